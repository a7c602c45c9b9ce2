"""Admin menu items shown only to the staff a room decides: the case queue's officers, the data
protection officer, finance staff. One class instead of a MenuItem subclass per room."""

from wagtail.admin.menu import MenuItem


class MenuItemFor(MenuItem):
    """A menu item shown when `shown(request)` is true. Give it a check that costs no query of its
    own (e.g. the case queue's `can_use_queue`, which reuses what the request already loaded):
    it runs on every admin page."""

    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown = shown

    def is_shown(self, request):
        return self.shown(request)
