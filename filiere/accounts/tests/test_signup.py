"""Self sign-up with e-mail verification, login by e-mail (django-axes still counting), password
reset and change, deactivation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from filiere.accounts import services
from filiere.accounts.models import Membership, Profile, Role, User
from filiere.accounts.tokens import email_verification_token, uid_for

from .factories import PASSWORD, OrganisationFactory, UserFactory, admin_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-long-mot-de-passe"


def link_in(message) -> str:
    url = re.search(r"https?://\S+", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def signup_data(**overrides):
    data = {
        "email": "Ada@Example.org",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "profile": Profile.BUYER,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return {**data, **overrides}


def login(client, username, password):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.2"
    )


def test_sign_up_verify_and_sign_in(client, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://filiere.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    user = User.objects.get()
    assert user.username == "ada@example.org" and user.profile == Profile.BUYER
    assert not user.is_active and user.email_verified_at is None
    [mail] = mailoutbox
    assert mail.to == ["ada@example.org"] and "https://filiere.example/comptes/verifier/" in mail.body
    assert "ada@example.org" in client.get(response.url).content.decode()
    # Not verified yet: the login says why and sends the link again.
    with django_capture_on_commit_callbacks(execute=True):
        refused = login(client, "ada@example.org", NEW_PASSWORD)
    assert refused.status_code == 200 and "pas encore confirmée" in refused.content.decode()
    assert len(mailoutbox) == 2
    response = client.get(link_in(mail))
    assert response.status_code == 302 and response.url == reverse("accounts:space")
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    assert login(client, "ADA@example.org", NEW_PASSWORD).status_code == 302


def test_a_verification_link_works_once(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
    path = link_in(mailoutbox[0])
    assert client.get(path).status_code == 302
    client.logout()
    response = client.get(path, follow=True)
    assert "déjà confirmée" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/comptes/verifier/Mg/faux-jeton/",
        "/comptes/verifier/%%%/x/",
        "/comptes/verifier/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x/",
    ],
)
def test_bad_verification_links_say_so(client, path):
    UserFactory(is_active=False)
    response = client.get(path)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "ne fonctionne pas" in response.content.decode()


def test_an_expired_verification_link_is_refused(client, settings):
    user = UserFactory(is_active=False)
    token = email_verification_token.make_token(user)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.get(reverse("accounts:verify_email", args=[uid_for(user), token]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_signing_up_with_a_taken_address_reveals_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="ada", email="ada@example.org", first_name="Ada")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            signup_data(password1="autre-mot-2-passe", password2="autre-mot-2-passe"),
        )
    assert response.status_code == 302 and response.url == reverse("accounts:signup_sent")
    assert User.objects.count() == 1
    [mail] = mailoutbox
    assert "déjà un compte" in mail.subject and reverse("accounts:password_reset") in mail.body
    assert User.objects.get().check_password(PASSWORD)


def test_signing_up_again_before_verifying_resends_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
        client.post(
            reverse("accounts:signup"),
            signup_data(password1="autre-mot-2-passe", password2="autre-mot-2-passe"),
        )
    assert User.objects.count() == 1 and len(mailoutbox) == 2
    assert all("/comptes/verifier/" in m.body for m in mailoutbox)
    assert User.objects.get().check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "pas-une-adresse"}, "adresse de courriel valide"),
        ({"password2": "different-123"}, "ne sont pas identiques"),
        ({"password1": "12345678", "password2": "12345678"}, "entièrement numérique"),
        ({"profile": "astronaute"}, "Sélectionnez un choix valide"),
        ({"first_name": ""}, "Ce champ est obligatoire"),
    ],
)
def test_sign_up_nonsense_gets_clear_messages(client, overrides, message):
    response = client.post(reverse("accounts:signup"), signup_data(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not User.objects.exists()


def test_signed_in_people_go_to_their_space_instead_of_signing_up(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup")).url == reverse("accounts:space")


def test_login_by_email_still_counts_failures(client, settings):
    UserFactory(username="camille", email="camille@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "camille@example.org", "wrong password")
    assert login(client, "camille@example.org", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_older_accounts_sign_in_with_username_or_email(client):
    UserFactory(username="camille", email="Camille@Example.org")
    assert login(client, "camille", PASSWORD).status_code == 302
    client.logout()
    assert login(client, "camille@example.org", PASSWORD).status_code == 302


# --- Password reset and change ----------------------------------------------------------------


def test_password_reset_end_to_end(client, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://filiere.example"
    settings.ALLOWED_HOSTS = ["*"]  # a forged Host header must not reach the link
    user = UserFactory(email="ada@example.org", first_name="Ada", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "ADA@example.org"}, HTTP_HOST="evil.example"
        )
    assert response.url == reverse("accounts:password_reset_done")
    [mail] = mailoutbox
    assert mail.to == ["ada@example.org"]
    assert (
        "https://filiere.example/comptes/mot-de-passe/nouveau/" in mail.body
        and "evil.example" not in mail.body
    )
    assert "Hello Ada" in mail.body  # in the person's language
    form = client.get(link_in(mail), follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "encore-un-autre-mdp", "new_password2": "encore-un-autre-mdp"},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("encore-un-autre-mdp")
    # The link is spent.
    again = client.get(link_in(mail), follow=True)
    assert "ne fonctionne pas" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "personne@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "encore-un-autre-mdp",
            "new_password2": "encore-un-autre-mdp",
        },
    )
    assert response.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("encore-un-autre-mdp")


def test_password_change_with_a_wrong_old_password(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "faux",
            "new_password1": "encore-un-autre-mdp",
            "new_password2": "encore-un-autre-mdp",
        },
    )
    assert response.status_code == 200 and "ancien mot de passe est incorrect" in response.content.decode()


# --- Deactivation ---------------------------------------------------------------------------------


def test_deactivate_my_account(client):
    user = UserFactory(email="bob@example.org")
    Membership.objects.create(user=user, organisation=OrganisationFactory(), role=Role.MEMBER)
    client.force_login(user)
    assert client.post(reverse("accounts:deactivate"), {"password": "faux"}).status_code == 200
    response = client.post(reverse("accounts:deactivate"), {"password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert not user.is_active and user.deactivated_at is not None
    assert not Membership.objects.filter(user=user).exists()
    assert login(client, "bob@example.org", PASSWORD).status_code == 200


def test_the_last_admin_hands_over_before_deactivating(client):
    firm = OrganisationFactory(name="Atelier")
    user = admin_of(firm)
    client.force_login(user)
    page = client.get(reverse("accounts:deactivate")).content.decode()
    assert "seul administrateur" in page and reverse("memberships:members", args=[firm.pk]) in page
    client.post(reverse("accounts:deactivate"), {"password": PASSWORD})
    user.refresh_from_db()
    assert user.is_active


def test_a_deactivated_account_gets_the_already_registered_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="bob@example.org")
    services.deactivate_account(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_up(
            email="bob@example.org",
            password=NEW_PASSWORD,
            first_name="B",
            last_name="M",
            profile=Profile.BUYER,
        )
    assert "désactivé" in mailoutbox[0].body
    user.refresh_from_db()
    assert not user.is_active


def test_signing_in_remembers_the_language_for_mails(client):
    user = UserFactory(username="camille", email="camille@example.org")
    client.cookies["django_language"] = "en"
    assert login(client, "camille@example.org", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_repeated_sign_ups_of_a_taken_address_mail_once_in_a_while(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            services.sign_up(
                email="ada@example.org",
                password=NEW_PASSWORD,
                first_name="A",
                last_name="L",
                profile=Profile.BUYER,
            )
    assert len(mailoutbox) == 1
