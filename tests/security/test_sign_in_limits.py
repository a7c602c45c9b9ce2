"""Sign-in limits (issue 16, section 6): wrong passwords are counted per user name across
addresses and per address across user names, not only per pair; the pause ends on its own and
says when; password-reset mails are throttled without saying which accounts exist."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db.models import F
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "portal-demo-2569"


def sign_in(client, username, password, address):
    return client.post("/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_from_thirty_addresses_pause_that_user_name(
    client, world, django_assert_max_num_queries
):
    answers = [sign_in(client, "officer.works", f"guess-{n}", f"10.7.{n}.1").status_code for n in range(30)]
    assert answers[:19] == [200] * 19  # the ordinary "wrong password" page, one try per address
    assert set(answers[20:]) == {429}  # from the 20th on (SIGN_IN_FAILURES_PER_USERNAME) sign-in is paused

    # Even the right password from an address never seen before waits, and the page says until when.
    with django_assert_max_num_queries(10):  # the three counts and their latest times, the page
        paused = sign_in(client, "officer.works", PASSWORD, "10.99.0.1")
    assert paused.status_code == 429
    assert "_auth_user_id" not in client.session
    page = paused.content.decode()
    assert "ลองใหม่ได้หลังเวลา" in page and " น." in page  # "Try again after HH:MM"

    # Other accounts are not touched.
    assert sign_in(client, "officer.health", PASSWORD, "10.99.0.1").status_code == 302


def test_the_pause_ends_after_the_cool_off_and_hammering_does_not_extend_it(client, world, settings):
    for n in range(20):
        sign_in(client, "officer.works", f"guess-{n}", f"10.8.{n}.1")
    for n in range(10):  # an attacker keeps going while the account is paused
        assert sign_in(client, "officer.works", "again", f"10.9.{n}.1").status_code == 429
    # Tries during the pause are not counted, so 16 minutes after the 20th failure it is over.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - timedelta(minutes=settings.AXES_COOLOFF_TIME * 60 + 1)
    )
    assert sign_in(client, "officer.works", PASSWORD, "10.99.0.2").status_code == 302


def test_an_officers_own_browser_still_signs_in_while_strangers_keep_their_name_paused(client, world):
    own = Client()
    assert sign_in(own, "officer.works", PASSWORD, "10.1.1.1").status_code == 302
    remembered = own.cookies["signin_browser"].value
    # An attacker pauses the officer's name from twenty addresses...
    for n in range(20):
        sign_in(client, "officer.works", f"guess-{n}", f"10.4.{n}.1")
    # ...so a browser that never signed in as officer.works waits, even at the office's address,
    assert sign_in(Client(), "officer.works", PASSWORD, "10.1.1.1").status_code == 429
    # and so does one with a forged cookie,
    forged = Client()
    forged.cookies["signin_browser"] = remembered[:-2] + "xx"
    assert sign_in(forged, "officer.works", PASSWORD, "10.1.1.2").status_code == 429
    # while the officer's own browser (the next morning, a new session) is let in.
    morning = Client()
    morning.cookies["signin_browser"] = remembered
    assert sign_in(morning, "officer.works", PASSWORD, "10.1.1.1").status_code == 302


def test_twenty_eight_tries_over_seven_accounts_from_one_address_stop(client, world):
    accounts = [UserFactory(username=f"clerk.{n}").username for n in range(7)]
    answers = [
        sign_in(client, username, f"guess-{attempt}", "192.0.2.10").status_code
        for attempt in range(4)
        for username in accounts
    ]
    # Four tries per account stay under the per-pair limit of five; the address's 20th stops it.
    assert answers[:19] == [200] * 19
    assert set(answers[20:]) == {429}
    # Not even an eighth account's right password gets through from that address...
    assert sign_in(client, "officer.health", PASSWORD, "192.0.2.10").status_code == 429
    # ...while the same accounts sign in from anywhere else.
    assert sign_in(client, "officer.health", PASSWORD, "192.0.2.11").status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, world):
    """A guesser with an account of their own (a volunteer) cannot wipe the count by signing in."""
    UserFactory(username="insider")
    victims = [UserFactory(username=f"clerk.{n}").username for n in range(5)]
    for attempt in range(3):
        for username in victims:
            sign_in(client, username, f"guess-{attempt}", "192.0.2.20")
    assert sign_in(client, "insider", PASSWORD, "192.0.2.20").status_code == 302
    client.logout()
    answers = [sign_in(client, username, "guess-4", "192.0.2.20").status_code for username in victims]
    assert answers[-1] == 429


def test_the_public_staff_login_shows_the_same_pause(client, world):
    for n in range(20):
        client.post("/en/accounts/login/", {"username": "volunteer.x", "password": f"g{n}"}, REMOTE_ADDR=f"10.6.{n}.1")
    paused = client.post("/en/accounts/login/", {"username": "volunteer.x", "password": "g"}, REMOTE_ADDR="10.6.99.1")
    assert paused.status_code == 429
    assert "Try again after" in paused.content.decode()


# --- Password reset ---------------------------------------------------------------------------


def ask_reset(client, email, address):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_reset_mails_to_one_account_are_throttled_whatever_the_address(client, world):
    UserFactory(username="clerk.mail", email="clerk@demo.invalid")
    answers = [
        ask_reset(client, "Clerk@Demo.invalid" if n % 2 else "clerk@demo.invalid", f"10.5.{n}.1") for n in range(8)
    ]
    assert len(mail.outbox) == 3  # PASSWORD_RESET_PER_ACCOUNT_PER_HOUR
    assert all(message.to == ["clerk@demo.invalid"] for message in mail.outbox)
    # Every answer is the same "check your e-mail" redirect, sent or not.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, "/admin/password_reset/done/")}


def test_reset_requests_from_one_address_are_throttled_and_answers_reveal_nothing(client, world):
    known = [UserFactory(username=f"clerk.{n}", email=f"clerk{n}@demo.invalid") for n in range(12)]
    answers = [ask_reset(client, user.email, "192.0.2.30") for user in known]
    answers += [ask_reset(client, "nobody@demo.invalid", "192.0.2.30")]
    assert len(mail.outbox) == 10  # PASSWORD_RESET_PER_ADDRESS_PER_HOUR
    # An unknown address, a known one and a throttled one all get the same answer.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, "/admin/password_reset/done/")}
    ask_reset(client, known[11].email, "192.0.2.31")  # another address still gets its mail
    assert mail.outbox[-1].to == [known[11].email]
