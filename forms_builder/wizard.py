"""The resident's side of a form page: django-formtools' SessionWizardView, one step per screen.

The form list is built from the page's definition on every request (one StepForm per step plus
the check-your-answers step), so what editors publish is what residents fill. formtools keeps
the raw answers of each step in the session; on top of it this view adds what e-government
forms need: no reset on GET (Back and resume keep answers), a per-filling token that refuses
stale or replayed posts, steps that must be done in order, uploads kept across errors, save and
come back, and a submit that stores everything and hands it to the intake in one transaction.
"""

import logging
import secrets
import time
from collections import OrderedDict

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from formtools.wizard.forms import ManagementForm
from formtools.wizard.storage.session import SessionStorage
from formtools.wizard.views import SessionWizardView

from forms_builder.fields import (
    ADDRESS_PARTS,
    StepForm,
    build_definition,
    condition_met,
    display_answers,
    field_type,
    suggest_email,
)
from forms_builder.help import help_box
from forms_builder.intake import hand_over
from forms_builder.nearby import nearby_screen
from forms_builder.submissions import Draft, PendingUpload, Submission, SubmissionFile, store_pending
from forms_builder.uploads import allowed_text
from portal import line_login, ratelimit
from portal.models import StaffRole

CHECK_STEP = "check"
logger = logging.getLogger(__name__)


def filing_role(user):
    """'staff', 'volunteer' or None: who may file a form for a resident, and how."""
    if not user.is_authenticated:
        return None
    if user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return "staff"
    # An office's volunteer group (its StaffGroup role), or the "Volunteers" group installs made
    # before offices had roles: both file on a resident's behalf without using the admin.
    if user.groups.filter(Q(office_role__role=StaffRole.VOLUNTEER) | Q(name="Volunteers")).exists():
        return "volunteer"
    return None


class CheckForm(forms.Form):
    """The last screen: the answers to check, a honeypot, and (for staff) how the request came in."""

    # Bots fill every input; people never see this one (hidden by CSS, skipped by screen readers).
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))
    channel = forms.ChoiceField(
        required=False,
        label=gettext_lazy("How did the resident contact you?"),
        choices=[
            (Submission.Channel.COUNTER, Submission.Channel.COUNTER.label),
            (Submission.Channel.PHONE, Submission.Channel.PHONE.label),
        ],
        widget=forms.RadioSelect,
    )

    spec = {"name": CHECK_STEP, "title": gettext_lazy("Check your answers"), "fields": []}

    def __init__(self, *args, role=None, **kwargs):
        kwargs.pop("prior", None)
        kwargs.pop("pending", None)
        kwargs.pop("upload_errors", None)
        super().__init__(*args, **kwargs)
        self.role = role
        if role != "staff":
            del self.fields["channel"]
        self.answers = {}

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."))
        return ""

    def clean_channel(self):
        value = self.cleaned_data.get("channel")
        if self.role == "staff" and not value:
            raise forms.ValidationError(_("Choose how the resident contacted you."))
        return value


class QuietSessionStorage(SessionStorage):
    """formtools marks the session modified on every read, which costs a session UPDATE on
    every page view; here only writes do (the view marks in-place edits itself)."""

    def _get_data(self):
        return self.request.session[self.prefix]

    data = property(_get_data, SessionStorage._set_data)


class FormWizardView(SessionWizardView):
    storage_name = "forms_builder.wizard.QuietSessionStorage"
    page = None
    file_storage = None  # uploads are handled by the view itself (see handle_uploads)
    template_name = "forms_builder/form_page.html"

    # --- set-up -----------------------------------------------------------------------------

    @classmethod
    def for_page(cls, page):
        definition = build_definition(page)
        form_list = [(step["name"], StepForm.for_step(step)) for step in definition["steps"]]
        form_list.append((CHECK_STEP, CheckForm))
        return cls.as_view(form_list=form_list, page=page, definition=definition)

    definition = None

    def get_prefix(self, request, *args, **kwargs):
        # Per form, shared by its translations (same step ids), so switching language keeps answers.
        return f"fb_{self.page.translation_key.hex[:16]}"

    @property
    def extra(self):
        return self.storage.extra_data

    def ensure_started(self):
        """Give a new filling its token (refuses posts from stale tabs and replays) and the time
        it was started (a whole form sent faster than a person can read it is a bot's)."""
        if not self.extra.get("token"):
            self.storage.reset()
            self.storage.current_step = self.steps.first
            self.storage.extra_data = {
                "token": secrets.token_urlsafe(24),
                "answers": {},
                "done": [],
                "started": time.time(),
            }

    @property
    def step_specs(self):
        return {step["name"]: step for step in self.definition["steps"]}

    def get_form_list(self):
        """Visible steps, in order, given the answers so far; stops at a step that ends the form."""
        answers_by_step = self.extra.get("answers", {}) if hasattr(self, "storage") else {}
        form_list = OrderedDict()
        accumulated = {}
        for name, form_class in self.form_list.items():
            if name == CHECK_STEP:
                form_list[name] = form_class
                break
            step = self.step_specs[name]
            if not condition_met(step.get("condition"), accumulated):
                continue
            form_list[name] = form_class
            accumulated.update(answers_by_step.get(name, {}))
            if step.get("ends_form"):
                break
        return form_list

    def question_steps(self):
        return [name for name in self.get_form_list() if name != CHECK_STEP]

    def answers_before(self, step):
        answers = {}
        for name in self.question_steps():
            if name == step:
                break
            answers.update(self.extra.get("answers", {}).get(name, {}))
        return answers

    def all_answers(self):
        answers = {}
        for name in self.question_steps():
            answers.update(self.extra.get("answers", {}).get(name, {}))
        return answers

    def first_incomplete(self):
        done = set(self.extra.get("done", []))
        for name in self.get_form_list():
            if name not in done:
                return name
        return CHECK_STEP

    def step_has_uploads(self, step):
        spec = self.step_specs.get(step)
        return step == CHECK_STEP or bool(spec and any(f["type"] == "file_upload" for f in spec["fields"]))

    def pending(self):
        """This filling's uploads by id (one query, and none while nothing was uploaded)."""
        if not hasattr(self, "_pending"):
            self._pending = {}
            if self.extra.get("uploaded"):
                owner = self.extra.get("token", "-")
                self._pending = {str(p.pk): p for p in PendingUpload.objects.filter(owner=owner)}
        return self._pending

    def get_form_kwargs(self, step=None):
        step = step or self.steps.current
        if step == CHECK_STEP:
            return {"role": filing_role(self.request.user)}
        return {
            "prior": self.answers_before(step),
            "pending": self.pending() if self.step_has_uploads(step) else {},
            "upload_errors": getattr(self, "upload_errors", {}) if step == self.steps.current else {},
        }

    # --- GET --------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        if "restart" in request.GET:
            self.storage.reset()
            return HttpResponseRedirect(self.page.get_url(self.request))
        before = repr(self.storage.data)
        self.ensure_started()
        form_list = self.get_form_list()
        wanted = request.GET.get("step")
        if wanted in form_list and self._reachable(wanted):
            if wanted != CHECK_STEP and CHECK_STEP in self.extra.get("done", []) + [self.storage.current_step]:
                self.extra["reviewing"] = True
            self.storage.current_step = wanted
        if self.storage.current_step not in form_list or not self._reachable(self.storage.current_step):
            self.storage.current_step = self.first_incomplete()
        response = self.render(self.form_for(self.storage.current_step))
        if repr(self.storage.data) != before:
            request.session.modified = True
        return response

    def _reachable(self, step):
        done = set(self.extra.get("done", []))
        for name in self.get_form_list():
            if name == step:
                return True
            if name not in done:
                return False
        return False

    def form_for(self, step):
        data = self.storage.get_step_data(step)
        form = self.get_form(step=step, data=data)
        if data is None or step == CHECK_STEP:
            return form
        form.full_clean()  # show the errors of a step saved half-done
        return form

    # --- POST -------------------------------------------------------------------------------

    def post(self, *args, **kwargs):
        request = self.request
        request.session.modified = True
        token = self.extra.get("token")
        if not token or request.POST.get("wizard_token") != token:
            return self.refuse(request.POST.get("wizard_token"))
        management_form = ManagementForm(request.POST, prefix=self.prefix)
        if not management_form.is_valid():
            return self.refuse(None)
        step = management_form.cleaned_data["current_step"]
        form_list = self.get_form_list()
        if step not in form_list or not self._reachable(step):
            # A later step posted before the earlier ones (a bot posting the last step straight
            # away): nothing is taken, back to the first one not done.
            logger.info("form %s: step %s posted before the steps ahead of it; refused", self.page.pk, step)
            self.storage.current_step = self.first_incomplete()
            self.extra["notice"] = "incomplete"
            return HttpResponseRedirect(self.page.get_url(self.request))
        self.storage.current_step = step

        goto = request.POST.get("wizard_goto_step")
        self.post_data = request.POST
        if step != CHECK_STEP:
            self.handle_uploads(step)
        form = self.get_form(step=step, data=self.post_data)
        valid = form.is_valid()
        if step != CHECK_STEP:
            self.remember(step, form, valid)

        if "wizard_save" in request.POST:
            return self.save_draft()
        if goto and goto in form_list:
            self.storage.current_step = goto
            return self.render(self.form_for(goto))
        if not valid:
            return self.render(form)
        if step == CHECK_STEP:
            return self.submit(form)
        if self.step_specs[step].get("ends_form"):
            return self.render(form)
        # The next step is rendered straight away (formtools' way): one request per step.
        self.storage.current_step = self.next_step_after(step)
        screen = self.nearby_interstitial(step, form)
        if screen is not None:
            return screen
        return self.render(self.form_for(self.storage.current_step))

    def nearby_interstitial(self, step, form):
        """ "Already reported here": when this step put a pin on the map, or (without a pin)
        answered a single-choice question, the screen the FORMS_BUILDER_NEARBY callable offers
        for it (forms_builder.nearby), shown in place of the next step, which its "continue" link
        opens. The engine does not know which choices are places (a community): the callable
        decides from the step's questions. Shown once per pin or set of choices, so going back
        and on again with the same answers does not ask twice."""
        specs = self.step_specs[step]["fields"]
        location = next(
            (
                form.answers[spec["key"]]
                for spec in specs
                if spec["type"] == "map_location"
                and (form.answers.get(spec["key"]) or {}).get("lat")
                and form.answers[spec["key"]].get("lng")
            ),
            None,
        )
        choices = sorted(
            f"{spec['key']}={form.answers[spec['key']]}"
            for spec in specs
            if spec["type"] == "single_choice" and form.answers.get(spec["key"])
        )
        if location is not None:
            shown = f"{location['lat']},{location['lng']}"
        elif choices:
            shown = "&".join(choices)
        else:
            return None
        if self.extra.get("nearby_shown") == shown:
            return None
        continue_url = f"{self.page.get_url(self.request)}?step={self.storage.current_step}"
        screen = nearby_screen(self.request, self.page, location, self.all_answers(), continue_url, fields=specs)
        if screen is None:
            return None
        self.extra["nearby_shown"] = shown
        context = {**screen.context, "page": self.page, "self": self.page, "continue_url": continue_url}
        return TemplateResponse(self.request, screen.template_name, context)

    def refuse(self, posted_token):
        """Stale, replayed or tampered posts: nothing is stored; the resident is told why."""
        sent = Submission.objects.filter(wizard_token=posted_token).only("reference").first() if posted_token else None
        if sent and sent.reference in self.request.session.get("fb_sent", []):
            return HttpResponseRedirect(self.page.subpage_url("confirmation", self.request, reference=sent.reference))
        self.ensure_started()
        response = self.render_to_response(
            {"page": self.page, "refused": True, "self": self.page, "request": self.request}
        )
        response.status_code = 400
        return response

    def next_step_after(self, step):
        names = list(self.get_form_list())
        if self.extra.get("reviewing"):
            return self.first_incomplete()
        index = names.index(step) if step in names else -1
        return names[index + 1] if index + 1 < len(names) else self.first_incomplete()

    def remember(self, step, form, valid):
        """Keep what was typed (even with errors) so nothing is lost; mark the step done if valid."""
        own = f"{self.get_form_prefix(step)}-"
        # What was typed is kept as typed, except NUL: PostgreSQL's JSON cannot hold it, and a
        # draft saved with one would fail (the field itself still refuses the value).
        typed = {k: [v.replace("\x00", "") for v in vs] for k, vs in self.post_data.lists() if k.startswith(own)}
        self.storage.set_step_data(step, typed)
        done = [name for name in self.extra.get("done", []) if name != step]
        answers = dict(self.extra.get("answers", {}))
        if valid:
            done.append(step)
            answers[step] = form.answers
        else:
            answers.pop(step, None)
            done = [name for name in done if name != CHECK_STEP]
        self.extra["answers"] = answers
        self.extra["done"] = done

    def handle_uploads(self, step):
        """Accept the files posted on this step before validating it, so a mistake elsewhere on
        the step never costs the resident an upload. Accepted files join the step's kept list."""
        self.post_data = self.request.POST.copy()
        self.upload_errors = {}
        prefix = self.get_form_prefix(step)
        too_big = {field for field, _name in getattr(self.request, "_fb_oversize", [])}
        for spec in self.step_specs[step]["fields"]:
            if spec["type"] != "file_upload":
                continue
            key = spec["key"]
            input_name = f"{prefix}-{key}__upload"
            errors = []
            if input_name in too_big:
                errors.append(
                    _("A file was larger than %(limit)s MB, the most this question takes.")
                    % {"limit": spec.get("max_size_mb")}
                )
            kept = [pk for pk in self.post_data.getlist(f"{prefix}-{key}") if pk in self.pending()]
            for uploaded in self.request.FILES.getlist(input_name):
                if len(kept) >= int(spec.get("max_files") or 1):
                    errors.append(_("Upload at most %(count)s files here.") % {"count": spec.get("max_files")})
                    break
                refusal = self.upload_refusal()
                if refusal:
                    errors.append(refusal)
                    break
                try:
                    pending = store_pending(uploaded, spec, self.extra["token"])
                except forms.ValidationError as error:
                    errors.extend(error.messages)
                    continue
                self.pending()[str(pending.pk)] = pending
                self.extra["uploaded"] = True
                kept.append(str(pending.pk))
            self.post_data.setlist(f"{prefix}-{key}", kept)
            if errors:
                self.upload_errors[key] = errors

    def upload_refusal(self):
        """Why one more file cannot be taken now, or None.

        Each upload is checked and re-encoded on the server, so a script posting files in a loop
        could stall it (issue 16): a filling (a draft keeps its filling's uploads) holds at most
        FORMS_BUILDER_UPLOADS_PER_FILLING files, unticked ones included, and one address sends at
        most FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR an hour: a ceiling far above a village's
        Wi-Fi, which staff and volunteers at a counter do not count against."""
        if len(self.pending()) >= settings.FORMS_BUILDER_UPLOADS_PER_FILLING:
            return _(
                "This form already holds %(count)s uploaded files, the most one form can take. "
                "Keep the ones you need and send the form."
            ) % {"count": settings.FORMS_BUILDER_UPLOADS_PER_FILLING}
        if not filing_role(self.request.user) and ratelimit.hit(
            "fb-upload",
            ratelimit.client_ip(self.request),
            settings.FORMS_BUILDER_UPLOADS_PER_ADDRESS_PER_HOUR,
            3600,
        ):
            logger.warning("form %s: upload ceiling reached for an address", self.page.pk)
            return _(
                "Too many files have been sent from this internet connection in the last hour. "
                "Please wait a while and try again; your other answers are kept."
            )
        return None

    # --- save and come back -----------------------------------------------------------------

    def save_draft(self):
        draft = None
        if self.extra.get("draft"):
            draft = Draft.objects.filter(pk=self.extra["draft"], form_page=self.page).first()
        if draft is None:
            draft = Draft(form_page=self.page)
        draft.data = self.storage.data
        draft.save()
        self.extra["draft"] = draft.pk
        draft.data = self.storage.data
        draft.save(update_fields=["data", "updated_at"])
        self.request.session["fb_saved"] = draft.pk
        return HttpResponseRedirect(self.page.subpage_url("saved", self.request))

    # --- submit -----------------------------------------------------------------------------

    def submit_refusal(self):
        """Why this filling cannot be sent now, or None: limits by what identifies abuse.

        Thousands of phones share one address behind a mobile carrier's NAT, and a village
        shares one Wi-Fi, so an address is limited only by a high ceiling
        (FORMS_BUILDER_SUBMITS_PER_HOUR). What tells a bot from a resident is the filling
        itself: a form sent faster than a person can go through it
        (FORMS_BUILDER_MIN_FILL_SECONDS from its first step; the honeypot is checked by
        CheckForm, the order of steps by post()), and one browser session sending many forms
        (FORMS_BUILDER_SUBMITS_PER_SESSION an hour). Signed-in staff and volunteers file for
        many residents: they are exempt, and logged."""
        request = self.request
        address = ratelimit.client_ip(request)
        role = filing_role(request.user)
        if role:
            logger.info(
                "form %s filed by %s %s from %s: exempt from the submit limits",
                self.page.pk,
                role,
                request.user.pk,
                address,
            )
            return None
        started = self.extra.get("started")
        if started is not None and time.time() - started < settings.FORMS_BUILDER_MIN_FILL_SECONDS:
            logger.warning(
                "form %s: sent %.1f s after it was started; refused as a bot", self.page.pk, time.time() - started
            )
            # Neutral on purpose (a bot learns nothing); a person who was that quick just sends again.
            return _("This form could not be sent. Please try again.")
        if ratelimit.hit(
            "fb-submit-session",
            request.session.session_key or address,
            settings.FORMS_BUILDER_SUBMITS_PER_SESSION,
            3600,
        ):
            logger.warning("form %s: submit limit per session reached", self.page.pk)
            return _(
                "Many forms have been sent from this browser in the last hour. Please wait an hour and send "
                "again; your answers are kept."
            )
        if ratelimit.hit("fb-submit", address, settings.FORMS_BUILDER_SUBMITS_PER_HOUR, 3600):
            logger.warning("form %s: submit ceiling reached for an address", self.page.pk)
            return _(
                "Too many forms have been sent from this internet connection in the last hour. Please wait an hour and send again; your answers are kept."
            )
        return None

    def submit(self, check_form):
        """Revalidate every step from stored data, then store and hand over in one transaction."""
        forms_in_order = []
        accumulated = {}
        for name in self.question_steps():
            stored = self.storage.get_step_data(name)
            form = StepForm.for_step(self.step_specs[name])(
                data=stored, prefix=self.get_form_prefix(name), prior=dict(accumulated), pending=self.pending()
            )
            if stored is None or not form.is_valid():
                self.storage.current_step = name
                self.extra["done"] = [n for n in self.extra.get("done", []) if n not in (name, CHECK_STEP)]
                return HttpResponseRedirect(self.page.get_url(self.request))
            accumulated.update(form.answers)
            forms_in_order.append(form)
        refusal = self.submit_refusal()
        if refusal:
            check_form.add_error(None, refusal)
            return self.render(check_form)

        role = filing_role(self.request.user)
        channel = {"staff": check_form.cleaned_data.get("channel"), "volunteer": Submission.Channel.VOLUNTEER}.get(
            role, Submission.Channel.WEB
        )
        try:
            with transaction.atomic():
                submission = self.build_submission(accumulated, channel, role)
                submission.save()
                self.attach_files(submission, accumulated)
                receipt = hand_over(submission)
                submission.reference = receipt.reference
                submission.expected_date = receipt.expected_date
                submission.tracking_url = receipt.tracking_url
                submission.save(update_fields=["answers", "reference", "expected_date", "tracking_url"])
                if self.extra.get("draft"):
                    Draft.objects.filter(pk=self.extra["draft"]).delete()
        except IntegrityError:
            # The same filling sent twice at once (double tap): the first one won.
            return self.refuse(self.extra["token"])
        except Exception:
            # Nothing was saved (one transaction); the answers stay in the session for a retry.
            logger.exception("form submission failed for page %s", self.page.pk)
            check_form.add_error(
                None, _("Your form could not be sent just now. Your answers are kept: please press Send again.")
            )
            response = self.render(check_form)
            response.status_code = 503
            return response
        sent = self.request.session.get("fb_sent", [])[-9:]
        self.request.session["fb_sent"] = [*sent, submission.reference]
        self.request.session["fb_receipt_message"] = receipt.message
        if receipt.private_tracking_url:
            links = dict(list(self.request.session.get("fb_receipt_links", {}).items())[-9:])
            self.request.session["fb_receipt_links"] = {**links, submission.reference: receipt.private_tracking_url}
        self.storage.reset()
        return HttpResponseRedirect(self.page.subpage_url("confirmation", self.request, reference=submission.reference))

    def build_submission(self, answers, channel, role):
        definition = self.definition
        visible = set(self.question_steps())
        snapshot = {**definition, "steps": [s for s in definition["steps"] if s["name"] in visible]}
        submission = Submission(
            form_page=self.page,
            form_title=self.page.title,
            form_snapshot=snapshot,
            answers=answers,
            language=(get_language() or "th")[:2],
            channel=channel,
            filed_by=self.request.user if role else None,
            wizard_token=self.extra["token"],
            submitted_at=timezone.now(),
        )
        # Only the LINE user LINE itself verified in this session (portal.line_login), and only
        # for a resident filing their own form: staff and volunteers file for someone else.
        line_user = line_login.verified_line_user(self.request) if role is None else None
        if line_user:
            submission.line_user_id = line_user["sub"]
        for step in snapshot["steps"]:
            for spec in step["fields"]:
                value = answers.get(spec["key"])
                if value is None:
                    continue
                kind = spec["type"]
                if kind == "short_text" and spec.get("is_contact_name") and not submission.contact_name:
                    submission.contact_name = value[:255]
                elif kind == "phone" and not submission.contact_phone:
                    submission.contact_phone = value
                elif kind == "email" and not submission.contact_email:
                    submission.contact_email = value
                elif kind == "map_location" and not submission.location_text and value:
                    submission.location_text = (value.get("text") or "")[:500]
                    submission.latitude = value.get("lat")
                    submission.longitude = value.get("lng")
                elif kind == "consent":
                    submission.consent_version = value.get("version", "")
        return submission

    def attach_files(self, submission, answers):
        """PendingUploads become SubmissionFiles; the stored file itself does not move."""
        kept = {pk for spec_answers in answers.values() if isinstance(spec_answers, list) for pk in spec_answers}
        uploads = [p for pk, p in self.pending().items() if pk in kept]
        SubmissionFile.objects.bulk_create(
            [
                SubmissionFile(
                    submission=submission,
                    field_key=p.field_key,
                    original_name=p.original_name,
                    content_type=p.content_type,
                    size=p.size,
                    file=p.file.name,
                    evidence=p.evidence,
                )
                for p in uploads
            ]
        )
        PendingUpload.objects.filter(pk__in=[p.pk for p in uploads]).delete()
        # Answers name the files, not the ids of uploads that no longer exist.
        by_pk = {str(p.pk): p.original_name for p in uploads}
        for key, value in answers.items():
            if isinstance(value, list) and value and all(v in by_pk for v in value):
                answers[key] = [by_pk[v] for v in value]
        submission.answers = answers

    # --- rendering --------------------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        step = self.steps.current
        questions = self.question_steps()
        spec = self.step_specs.get(step) if step != CHECK_STEP else None
        context = {
            "page": self.page,
            "self": self.page,
            "request": self.request,
            "wizard": {
                "form": form,
                "steps": self.steps,
                "management_form": ManagementForm(prefix=self.prefix, initial={"current_step": step}),
            },
            "form": form,
            "step_spec": spec,
            "is_check": step == CHECK_STEP,
            "step_number": questions.index(step) + 1 if step in questions else len(questions),
            # A total that changes with the answers ("1 of 2", then "2 of 3") misleads: forms whose
            # steps depend on answers show "Step 2" alone; others keep "Step 2 of 3".
            "step_count": None if self.has_conditional_steps else len(questions),
            "prev_step": self._previous(step),
            "wizard_token": self.extra.get("token"),
            "role": filing_role(self.request.user),
            "notice": self.extra.pop("notice", None),
            "help_box": help_box(self.request, self.page),
        }
        if spec:
            context["rows"] = self.render_rows(form, spec)
            context["ends_form"] = spec.get("ends_form")
        if step == CHECK_STEP:
            context["summary"] = self.check_summary()
        if context["role"] is None and line_login.enabled() and (step == CHECK_STEP or context["step_number"] == 1):
            context["line"] = self.line_offer(step)
        return context

    def line_offer(self, step):
        """LINE Login, offered on the first step and the check step (never required): who the
        updates will go to, or the link that signs in with LINE and comes back to this step."""
        here = f"{self.page.get_url(self.request)}?step={step}"
        return {
            "user": line_login.verified_line_user(self.request),
            "login_url": line_login.login_url(here),
            "next": here,
        }

    @property
    def has_conditional_steps(self):
        return any(step.get("condition") or step.get("ends_form") for step in self.definition["steps"])

    def _previous(self, step):
        names = list(self.get_form_list())
        if step not in names:
            return None
        index = names.index(step)
        return names[index - 1] if index > 0 else None

    def check_summary(self):
        """Steps with their answers and the link that changes them."""
        files = [p for p in self.pending().values()]
        steps = []
        answers_by_step = self.extra.get("answers", {})
        for name in self.question_steps():
            spec = self.step_specs[name]
            rows = display_answers({"steps": [spec]}, answers_by_step.get(name, {}), files=files)
            steps.append({"name": name, "title": spec["title"], "rows": rows[0][1] if rows else []})
        return steps

    def render_rows(self, form, spec):
        """What the field template needs per question: bound inputs, hint, errors, ids."""
        answers = dict(self.answers_before(spec["name"]))
        labels_here = {f["key"]: f.get("label", "") for f in spec["fields"]}
        prefix = self.get_form_prefix(spec["name"])
        rows = []
        for field in spec["fields"]:
            kind = field["type"]
            names = list(field_type(field).form_fields(field))
            condition = field.get("condition")
            same_step = bool(condition and condition["field"] in labels_here)
            if not same_step and not condition_met(condition, answers):
                continue  # depends on an earlier step's answer that rules it out
            bound = {name.split("__", 1)[1] if "__" in name else "value": form[name] for name in names}
            errors = form.field_errors(field) if form.is_bound and kind != "info" else []
            hint = field.get("help_text") or ""
            if kind == "file_upload":
                limits = _("Allowed: %(types)s, up to %(size)s MB each, at most %(count)s files.") % {
                    "types": allowed_text(field),
                    "size": field.get("max_size_mb"),
                    "count": field.get("max_files"),
                }
                hint = f"{hint}\n{limits}".strip()
            describedby = " ".join(
                part for part, present in ((f"hint-{field['key']}", hint), (f"error-{field['key']}", errors)) if present
            )
            for bound_field in bound.values():
                attrs = bound_field.field.widget.attrs
                if describedby:
                    attrs["aria-describedby"] = describedby
                if errors:
                    attrs["aria-invalid"] = "true"
            row = {
                "spec": field,
                "bound": bound,
                "errors": errors,
                "hint": hint,
                "describedby": describedby,
                "group": kind in GROUP_TYPES,
                "conditional_here": same_step,
            }
            if bound:
                first = bound.get("upload") or bound.get("day") or bound.get("text") or bound.get("house")
                first = first or next(iter(bound.values()))
                row["anchor"] = first.auto_id + ("_0" if kind in ("single_choice", "multiple_choice") else "")
            if same_step:
                row["condition_input"] = f"{prefix}-{condition['field']}"
                row["condition_label"] = labels_here[condition["field"]]
                row["condition_answer"] = condition_answer_text(condition, spec["fields"])
            if kind == "address":
                row["parts"] = [
                    {"name": part, "label": label, "required": required, "field": bound[part]}
                    for part, label, required, _m in ADDRESS_PARTS
                ]
            if kind == "email":
                # The "it is right" box only appears next to an address that looks misspelt.
                row["email_suggestion"] = suggest_email(str(bound["value"].value() or ""))
            if kind == "file_upload":
                row["kept"] = bool(form[field["key"]].field.choices)
            if kind == "map_location":
                row["map_center"] = getattr(settings, "FORMS_BUILDER_MAP_CENTER", "18.7883,98.9853")
                row["map_tiles"] = getattr(
                    settings, "FORMS_BUILDER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
                )
            rows.append(row)
        return rows


GROUP_TYPES = {"date", "address", "single_choice", "multiple_choice", "map_location", "file_upload", "consent"}


def condition_answer_text(condition, fields):
    """The answer that opens a question, in the resident's words, for the no-JavaScript hint:
    the option's label ('Bank transfer'), 'more than 150' or 'not Cash'."""
    source = next((f for f in fields if f["key"] == condition["field"]), {})
    expected = condition["value"]
    operator = condition["operator"]
    if operator == "gt":
        return _("more than %(number)s") % {"number": expected}
    if operator == "lte":
        return _("%(number)s or less") % {"number": expected}
    if source.get("type") == "checkbox":
        text = _("ticked") if expected == "yes" else _("not ticked")
    else:
        text = dict(source.get("options") or []).get(expected, expected)
    return text if operator == "eq" else _("not %(answer)s") % {"answer": text}
