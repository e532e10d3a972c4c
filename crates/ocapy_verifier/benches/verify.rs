//! Verifier throughput on a synthetic module, against parsing alone (the baseline measured
//! in the same run): the ratio is what the rules and the scope model cost.

use criterion::{Criterion, criterion_group, criterion_main};
use ocapy_verifier::{Settings, check_source};
use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};

fn synthetic_module() -> String {
    let mut source = String::from("import math\n\n");
    for index in 0..300 {
        source.push_str(&format!(
            "class Shape{index}:\n    def __init__(self, size):\n        self._size = size\n\n    @property\n    def area(self):\n        return math.pi * self._size ** 2\n\n    def scaled(self, factor):\n        return [Shape{index}(self._size * f) for f in range(factor) if f % 2]\n\n\ndef describe{index}(shape):\n    return \"{{0.area:.2f}}\".format(shape)\n\n\n"
        ));
    }
    source
}

fn bench(criterion: &mut Criterion) {
    let source = synthetic_module();
    let settings = Settings::default();
    let mut group = criterion.benchmark_group("module of 300 classes");
    group.bench_function("parse only (baseline)", |bencher| {
        bencher.iter(|| parse_unchecked(&source, ParseOptions::from(Mode::Module)));
    });
    group.bench_function("verify", |bencher| {
        bencher.iter(|| check_source(&source, &settings));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
