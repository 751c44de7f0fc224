"""Every model of the application, imported in one place so that the metadata is complete.

Add each new area's models module here.
"""
from purchasing.accounts.models import LoginThrottle, User  # noqa: F401
from purchasing.members.models import Member  # noqa: F401
