# Escape: a context manager's __exit__ receives the traceback object, whose tb_frame walks to other frames
# Source: https://github.com/jailctf/pyjailbreaker/blob/fb998df13e3008bb3b8f34d561dddf109cbbcc08/jailbreak/gadgets/python/builtins/Exception.py (Exception__with_class gadget)
# Expect: OC201

frames = []


class Catcher:
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        frames.append(tb.tb_frame.f_back)
        return True


with Catcher():
    1 / 0
