from ocapy._cli import main

main()
