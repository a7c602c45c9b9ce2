"""The demo's forms are the starter catalogue's e-forms (forms_builder/starter.py), which
`load_demo` loads first. The names below stay importable here for the tests and other demos
that build a form from its spec."""

from forms_builder.starter import CONSENT, EMAIL, FORMS, NAME, NATIONAL_ID, PHONE, F, S, T, opts, stream

__all__ = ["CONSENT", "EMAIL", "FORMS", "NAME", "NATIONAL_ID", "PHONE", "F", "S", "T", "opts", "stream"]
