//! Imports: only allowed modules, seen through their facades.

use ruff_python_ast::{self as ast, Expr, ExprContext};
use ruff_text_size::TextRange;

use crate::Profile;
use crate::checker::{Checker, Usage};
use crate::rule::{Rule, RuleDoc};
use crate::rules::{is_private, names};
use crate::semantic::BindingKind;
use crate::tables::modules::{ModuleFacade, facade};

pub const IMPORT_NOT_ALLOWED: RuleDoc = RuleDoc {
    summary: "A module that is not on the allowlist is imported.",
    rationale: "Importing is ambient authority: `os`, `sys`, `ctypes`, `gc` and `inspect` reach \
        the whole process. Only modules the configuration allows may be imported (by default a \
        few pure ones, each with a facade; `ocapy check --allow-module M` or \
        `extend-allowed-modules` in the configuration adds more).",
    bad: "import os\n",
    good: "import math\n",
};

pub const NAME_NOT_IN_FACADE: RuleDoc = RuleDoc {
    summary: "A module name outside the module's facade is used (`datetime.sys`, `from json import codecs`), or a module is used as a value.",
    rationale: "Every module that imported `os` or `sys` exposes it as a public attribute: \
        `datetime.sys.modules[\"os\"]`, `json.codecs.open`. An allowed module is seen through \
        its facade, the list of names it exports (each with a reason); anything else is \
        rejected, and so is passing the module object itself around, where its other \
        attributes could be read.",
    bad: "import json\nopen_file = json.codecs.open\n",
    good: "import json\ndata = json.loads(\"[1]\")\n",
};

pub const STAR_IMPORT: RuleDoc = RuleDoc {
    summary: "`from module import *` is used.",
    rationale: "A star import binds names the verifier cannot see, defeating its scope analysis, \
        and brings in whatever the module holds.",
    bad: "from math import *\n",
    good: "from math import sqrt, pi\n",
};

pub const RELATIVE_IMPORT: RuleDoc = RuleDoc {
    summary: "A relative import reaches beyond the package the host loads (`from .. import x`).",
    rationale: "A plugin may import its own package's modules (`from . import helpers`), which \
        the host loads and verifies too; `..` climbs into packages the host never offered.",
    bad: "from ..host import secrets\n",
    good: "from . import helpers\n",
};

/// `from __future__ import ...` is a compiler directive, not a module import.
const FUTURE: &str = "__future__";

pub fn check_import(checker: &mut Checker<'_>, import: &ast::StmtImport) {
    if reject_lazy(checker, import.is_lazy, import.range) {
        return;
    }
    for alias in &import.names {
        let module = alias.name.as_str();
        if let Some(asname) = &alias.asname {
            names::check_binding(checker, asname.as_str(), asname.range);
        }
        if let Some(part) = module.split('.').find(|part| is_private(part)) {
            checker.report(
                Rule::PrivateImport,
                format!("`import {module}` imports private module `{part}`"),
                alias.range,
            );
        } else if !checker.settings.is_module_allowed(module) {
            report_not_allowed(checker, module, alias.range);
        } else if alias.asname.is_none() && module.contains('.') {
            // `import a.b` binds `a`, whose other attributes nothing checks.
            let top = module.split('.').next().unwrap_or(module);
            if !checker.settings.is_module_allowed(top) {
                report_not_allowed(checker, top, alias.range);
            }
        }
    }
}

pub fn check_import_from(checker: &mut Checker<'_>, import: &ast::StmtImportFrom) {
    if reject_lazy(checker, import.is_lazy, import.range) {
        return;
    }
    for alias in &import.names {
        let bound = alias.asname.as_ref().unwrap_or(&alias.name);
        names::check_binding(checker, bound.as_str(), bound.range);
    }
    let module = import.module.as_ref().map_or("", |module| module.as_str());
    if import.level > 1 {
        checker.report(
            Rule::RelativeImport,
            format!(
                "`from {}{module} import ...` climbs out of the plugin's package",
                ".".repeat(import.level as usize)
            ),
            import.range,
        );
        return;
    }
    if import.level == 0 && module == FUTURE {
        return;
    }
    // In a team's own code, a package's private modules and names are its own to import.
    let packages_own = checker.settings.profile == Profile::Encapsulation && import.level == 1;
    if let Some(part) = module
        .split('.')
        .find(|part| is_private(part))
        .filter(|_| !packages_own)
    {
        checker.report(
            Rule::PrivateImport,
            format!("`from {module} import ...` imports from private module `{part}`"),
            import.range,
        );
        return;
    }
    let facade = if import.level == 0 {
        if !checker.settings.is_module_allowed(module) {
            report_not_allowed(checker, module, import.range);
            return;
        }
        facade(module)
    } else {
        None
    };
    for alias in &import.names {
        let name = alias.name.as_str();
        if name == "*" {
            checker.report(
                Rule::StarImport,
                format!("`from {module} import *` binds names the verifier cannot see"),
                alias.range,
            );
        } else if is_private(name) && !packages_own {
            checker.report(
                Rule::PrivateImport,
                format!("`from {module} import {name}` imports a private name"),
                alias.range,
            );
        } else if let Some(facade) = facade {
            check_facade_name(checker, facade, name, alias.range);
        }
    }
}

fn reject_lazy(checker: &mut Checker<'_>, is_lazy: bool, range: TextRange) -> bool {
    if is_lazy {
        checker.report(
            Rule::UnsupportedSyntax,
            "lazy imports are not supported by the verifier",
            range,
        );
    }
    is_lazy
}

fn report_not_allowed(checker: &mut Checker<'_>, module: &str, range: TextRange) {
    checker.report(
        Rule::ImportNotAllowed,
        format!("module `{module}` is not on the allowlist of importable modules"),
        range,
    );
}

fn check_facade_name(
    checker: &mut Checker<'_>,
    facade: &ModuleFacade,
    name: &str,
    range: TextRange,
) {
    if facade.export(name).is_none() {
        checker.report(
            Rule::NameNotInFacade,
            format!(
                "`{}.{name}` is not part of the facade of module `{}`",
                facade.module, facade.module
            ),
            range,
        );
    }
}

/// The facades of the modules an `import` bound to `name`, as resolved from the current scope.
fn imported_facades(checker: &Checker<'_>, name: &str) -> Vec<&'static ModuleFacade> {
    let Some((_, bindings)) = checker.model.bindings_seen(checker.scope, name) else {
        return Vec::new();
    };
    bindings
        .iter()
        .filter_map(|binding| match &binding.kind {
            BindingKind::Import { module } => facade(module),
            _ => None,
        })
        .collect()
}

/// `module.name`: the name must be in the facade of every module the base may be.
pub fn check_module_attribute(checker: &mut Checker<'_>, attribute: &ast::ExprAttribute) {
    let Expr::Name(base) = &*attribute.value else {
        return;
    };
    for facade in imported_facades(checker, base.id.as_str()) {
        check_facade_name(checker, facade, attribute.attr.as_str(), attribute.range);
    }
}

/// A module bound by `import` used other than as `module.name`.
pub fn check_module_name(checker: &mut Checker<'_>, name: &ast::ExprName, usage: Usage) {
    if name.ctx != ExprContext::Load || usage == Usage::AttributeBase {
        return;
    }
    if let Some(facade) = imported_facades(checker, name.id.as_str()).first() {
        checker.report(
            Rule::NameNotInFacade,
            format!(
                "module `{}` is used as a value: only `{}.NAME` with NAME in its facade can be checked",
                facade.module, name.id
            ),
            name.range,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{assert_clean, codes, codes_with};

    #[test]
    fn allowed_modules_through_their_facades() {
        assert_clean(
            "import math\nimport json as j\nfrom math import sqrt, pi\nx = math.sqrt(2) + j.loads(\"1\") + sqrt(pi)\n",
        );
        assert_clean("from __future__ import annotations\n");
    }

    #[test]
    fn modules_off_the_allowlist() {
        assert_eq!(codes("import os\n"), ["OC501"]);
        assert_eq!(codes("from os import system\n"), ["OC501"]);
        assert_eq!(codes("import os.path as p\n"), ["OC501"]);
        let settings = crate::Settings {
            allowed_modules: ["os".to_string()].into(),
            ..crate::Settings::default()
        };
        assert!(codes_with("import os\n", &settings).is_empty());
    }

    #[test]
    fn names_outside_the_facade() {
        assert_eq!(codes("import json\nx = json.codecs\n"), ["OC502"]);
        assert_eq!(codes("from json import codecs\n"), ["OC502"]);
        assert_eq!(codes("import json\nj = json\n"), ["OC502"]);
        assert_eq!(
            codes("import json\n\ndef f():\n    return json.codecs.open\n"),
            ["OC502"]
        );
    }

    #[test]
    fn private_star_and_relative_imports() {
        assert_eq!(codes("from json import _default_decoder\n"), ["OC105"]);
        let encapsulation = crate::Settings {
            profile: crate::Profile::Encapsulation,
            ..crate::Settings::default()
        };
        let own = "from ._impl import _helper\nfrom . import _signatures\n";
        assert!(crate::test_support::codes_with(own, &encapsulation).is_empty());
        assert_eq!(codes(own), ["OC105", "OC105"]);
        assert_eq!(
            crate::test_support::codes_with("from json import _default_decoder\n", &encapsulation),
            ["OC105"]
        );
        assert_eq!(codes("import _thread\n"), ["OC105"]);
        assert_eq!(codes("from math import *\n"), ["OC503"]);
        assert_eq!(codes("from .. import x\n"), ["OC504"]);
        assert_eq!(codes("from math import pi as __getattr__\n"), ["OC402"]);
        assert_clean("from . import helpers\nhelpers.run()\n");
    }
}
