"""The forms of a model's name in the admin's templates (core.admin_names)."""

from django import template

from core.admin_names import noun_for

register = template.Library()


@register.filter
def admin_noun(opts):
    """`{% with noun=opts|admin_noun %}`: the forms of the model `opts` describes, or None."""
    model = getattr(opts, "model", opts)
    return noun_for(model) if model is not None else None


@register.filter
def counted(count, opts) -> str:
    """`{{ cl.result_count|counted:cl.opts }}` → «3 договора»; the plain count without forms."""
    noun = admin_noun(opts)
    if noun is None:
        return str(count)
    return noun.counted(int(count))
