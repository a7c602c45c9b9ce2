# The PDPA tests use the security room's fixtures (a world of cases, two-step sign-in) and the
# e-forms' (private media, published demo forms).
from tests.forms_builder.conftest import _private_media, form_index, make_form  # noqa: F401
from tests.security.conftest import otp_login, otp_required, world  # noqa: F401
