"""Demo users, one per role. The password is public (README): never load the demo in production."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from portal.models import StaffGroup, StaffRole

DEMO_PASSWORD = "portal-demo-2569"  # noqa: S105 - documented demo credential

# username: (first name, last name, groups, is_superuser)
DEMO_USERS = {
    "admin": ("สมชาย", "ผู้ดูแล", [], True),
    "editor": ("สุดา", "บรรณาธิการ", ["Editors"], False),
    "moderator": ("ประเสริฐ", "ผู้อนุมัติ", ["Moderators"], False),
    "officer.works": ("วิชัย", "ช่างดี", ["Case officers"], False),
    "officer.health": ("มาลี", "รักษ์สุข", ["Case officers"], False),
    "palad": ("อำนาจ", "ลงนามดี", ["Case officers"], False),  # ปลัดเทศบาล: signs permits off (issue 20)
    "volunteer": ("บุญมี", "อาสา", ["Volunteers"], False),
}


# group name: its role in the demo municipality (the default site)
GROUP_ROLES = {
    "Editors": StaffRole.EDITOR,
    "Moderators": StaffRole.MODERATOR,
    "Case officers": StaffRole.OFFICER,
    "Volunteers": StaffRole.VOLUNTEER,
}


def ensure_groups(site):
    """Groups Wagtail does not create itself (case officers reach the admin; volunteers do not),
    each tied to the demo municipality's site with its role, so its members work for that office."""
    officers, _ = Group.objects.get_or_create(name="Case officers")
    officers.permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    for name, role in GROUP_ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        StaffGroup.objects.update_or_create(group=group, defaults={"site": site, "role": role})


def load(site, out):
    ensure_groups(site)
    User = get_user_model()
    for username, (first, last, groups, superuser) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@demo.invalid"
        user.is_staff = superuser
        user.is_superuser = superuser
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
    out.write(f"  users: {', '.join(DEMO_USERS)} (password {DEMO_PASSWORD})")
