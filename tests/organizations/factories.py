import factory

from organizations.models import Membership, Organization, OrganizationKind, User


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-correct-horse")


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganizationKind.CBO
    legal_name = factory.Sequence(lambda n: f"Organization {n}")
    jurisdiction = "CA"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "cbo_staff"


def member(role: str, organization: Organization, username: str | None = None) -> User:
    """A user holding ``role`` in ``organization``."""
    user = UserFactory.create(username=username) if username else UserFactory.create()
    MembershipFactory(user=user, organization=organization, role=role)
    return user
