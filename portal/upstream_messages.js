// Wagtail's and wagtail-localize's JavaScript messages that their Thai catalogues leave untranslated.
// The project's djangojs catalogue (LOCALE_PATHS) takes precedence in every JavaScriptCatalog, so
// locale/th/LC_MESSAGES/djangojs.po fills them; makemessages -d djangojs keeps only msgids it finds in
// the project's source, so they are listed here. This file is a list for makemessages: it sits outside
// static/ and is never served. See upstream_messages.py for the server-side list.

// wagtail.admin
gettext("(%(number)s new items in this menu)");
gettext("(1 new item in this menu)");
gettext("(New)");
ngettext("%(num)s error", "%(num)s errors", 1);
ngettext("%(num)s min", "%(num)s mins", 1);
ngettext("%(num)s pixel", "%(num)s pixels", 1);
gettext("%(time_zone_option)s: %(localized_time_zone_label)s");
gettext("A network error occurred.");
gettext("A server error occurred.");
gettext("Actions");
gettext("Add a comment");
gettext("Are you sure?");
gettext("Autosave in progress…");
gettext("Blocks");
gettext("Broken link");
gettext("Cancel");
gettext("Changes have been autosaved.");
gettext("Character count:");
gettext("Comment");
gettext("Complex");
gettext("Decorative image");
gettext("Delete error");
gettext("Deleting");
gettext("Enter your comments...");
gettext("Enter your reply...");
gettext("Error while sending preview data.");
gettext("Fair");
gettext("Focus comment");
gettext("Good");
gettext("Insert a block");
gettext("Main menu");
gettext("Missing document");
gettext("More actions");
gettext("No");
gettext("Page explorer");
gettext("Pin toolbar");
gettext("Reply");
gettext("Report this error to your website administrator with the following information:");
gettext("Resolve");
gettext("Retry");
gettext("Save error");
gettext("Saving...");
gettext("Split block");
gettext("Toggle section");
gettext("Toggle side panel");
gettext("Toggle sidebar");
gettext("Unfocus comment");
gettext("Unpin toolbar");
gettext("View child pages of '%(title)s'");
gettext("Write something or type ‘/’ to insert a block");
gettext("Yes");
// wagtail_localize
gettext("[DELETED]");
gettext("Applying editor lock");
gettext("Change %s");
gettext("Change document");
gettext("Change page");
gettext("Changed");
gettext("Choose a %s");
gettext("Convert to alias page");
gettext("Download PO file");
gettext("Download PO file and input translations offline");
gettext("Fetching %s information...");
gettext("Fetching document information...");
gettext("Fetching image information...");
gettext("Fetching page information...");
gettext("Not translated");
gettext("Publish in ");
gettext("Publishing...");
gettext("Removing editor lock");
gettext("Revert to %s version");
gettext("segments translated");
gettext("Server error");
gettext("Stop Synced translation");
gettext("Stopping Synced translation");
gettext("There are unsaved segments. Please save or cancel them before leaving.");
gettext("Translate");
gettext("Translate all missing strings with ");
gettext("Translate with ");
gettext("Unlock");
gettext("Upload PO file");
gettext("Upload translated PO file to submit translations");
gettext("Uses %s version");
// wagtail.admin: its Thai gives alternatives here, not a translation
gettext("Dashboard");
gettext("Delete");
gettext("Move down");
gettext("Move up");
gettext("Save");
