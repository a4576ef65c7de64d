"""mypy plugin: calling a factory_boy factory gives an instance of its model.

`OrganisationFactory()` runs `FactoryMetaClass.__call__`, which factory_boy leaves untyped, so
mypy takes the call for a plain instantiation and types the result as `OrganisationFactory`. This
plugin types it as the model named by the factory's `Meta.model` (inherited Meta included), and
as `Any` when the model is not a class mypy knows (a "app.Model" string).
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import TypeAlias, TypeInfo, Var
from mypy.plugin import FunctionContext, Plugin
from mypy.types import AnyType, CallableType, Instance, Type, TypeOfAny, TypeType, get_proper_type

FACTORY_BASE = "factory.base.BaseFactory"


def model_of(info: TypeInfo) -> Type | None:
    """The instance type of `Meta.model` in `info` or the nearest base that sets it."""
    for klass in info.mro:
        meta = klass.names.get("Meta")
        if meta is None or not isinstance(meta.node, TypeInfo) or "model" not in meta.node.names:
            continue
        node = meta.node.names["model"].node
        if isinstance(node, TypeAlias):
            target = get_proper_type(node.target)
            return target if isinstance(target, Instance) else None
        if isinstance(node, Var) and node.type is not None:
            found = get_proper_type(node.type)
            if isinstance(found, CallableType) and found.is_type_obj():
                return found.ret_type
            if isinstance(found, TypeType):
                return found.item
        return None
    return None


def factory_call(ctx: FunctionContext) -> Type:
    made = get_proper_type(ctx.default_return_type)
    if isinstance(made, Instance):
        model = model_of(made.type)
        if model is not None:
            return model
    return AnyType(TypeOfAny.special_form)


class FactoryPlugin(Plugin):
    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        symbol = self.lookup_fully_qualified(fullname)
        if symbol is not None and isinstance(symbol.node, TypeInfo) and symbol.node.has_base(FACTORY_BASE):
            return factory_call
        return None


def plugin(version: str) -> type[Plugin]:
    return FactoryPlugin
