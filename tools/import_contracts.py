"""An import-linter contract type: apps reach each other only through their public modules.

Registered in pyproject.toml (`[tool.importlinter] contract_types`) and run by `lint-imports`
(`make lint`). import-linter's own contracts check the layers and cycles between apps; none says
"from another app, import only these modules of it", which is this one:

- `containers`: the packages whose children are the apps (`filiere`);
- `public_modules`: module names any app exposes (`selectors`, `services`, `permissions`);
- `shared_models`: the apps whose `models` other apps may import (the shared vocabulary: foreign
  key targets, QuerySets for choices; writes still go through the owner's services);
- `also_public`: further modules an app declares public (`filiere.territories.maps`);
- `exempt_importers`: project wiring that names every app (`filiere.urls`, `filiere.api`);
- `ignore_imports`: imports let through, each with its reason next to it in the configuration.

Test modules (`<app>.tests`) may import anything; no other module may import a test module.
Submodules of a public module are public (`roadmaps.services.tree`).
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils


class PublicModulesContract(Contract):
    type_name = "public_modules"

    containers = fields.ListField(subfield=fields.StringField())
    public_modules = fields.ListField(subfield=fields.StringField())
    shared_models = fields.ListField(subfield=fields.StringField(), required=False)
    also_public = fields.ListField(subfield=fields.StringField(), required=False)
    exempt_importers = fields.ListField(subfield=fields.StringField(), required=False)
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=contract_utils.AlertLevel.ERROR,
        )
        public = {str(name) for name in self.public_modules}  # type: ignore[attr-defined]
        shared_models = {str(app) for app in self.shared_models or []}  # type: ignore[attr-defined]
        also_public = {str(module) for module in self.also_public or []}  # type: ignore[attr-defined]
        exempt = {str(module) for module in self.exempt_importers or []}  # type: ignore[attr-defined]
        broken: list[dict[str, object]] = []
        for container in self.containers:  # type: ignore[attr-defined]
            apps = {child.split(".")[-1] for child in graph.find_children(str(container))}
            for importer in sorted(graph.find_descendants(str(container))):
                app = _app_of(importer, str(container))
                if app is None or _is_test(importer) or _within(importer, exempt):
                    continue
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    target = _app_of(imported, str(container))
                    if target is None or target not in apps:
                        continue
                    if _is_test(imported):
                        reason = "runtime code imports a test module"
                    elif target == app:
                        continue
                    elif _is_public(imported, str(container), target, public, shared_models, also_public):
                        continue
                    else:
                        reason = "not a public module of its app"
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = sorted({d["line_number"] for d in details})
                    broken.append({"importer": importer, "imported": imported, "lines": lines, "why": reason})
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} ({lines}): {item['why']}", bold=False
            )
            output.new_line()


def _app_of(module: str, container: str) -> str | None:
    if not module.startswith(container + "."):
        return None
    return module[len(container) + 1 :].split(".")[0]


def _is_test(module: str) -> bool:
    return "tests" in module.split(".")


def _within(module: str, packages: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _is_public(
    module: str, container: str, app: str, public: set[str], shared_models: set[str], also_public: set[str]
) -> bool:
    parts = module[len(container) + 1 :].split(".")
    if len(parts) == 1:  # the app's package itself (`from filiere.x import selectors` names both)
        return True
    if parts[1] in public or (parts[1] == "models" and app in shared_models):
        return True
    return _within(module, also_public)
