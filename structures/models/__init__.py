"""Models of structures, re-exported here (app_label "structures"): structures, services and
bank details (`structures`), memberships, opened areas and history (`memberships`), link and
subscription requests (`requests`). Only `structures.access` reads and writes rights."""

from structures.enums import RequestStatus
from structures.models.memberships import ManagerAction, Membership, OpenedArea
from structures.models.requests import DecidedRequest, LinkRequest, SubscriptionRequest
from structures.models.structures import (
    AddressMixin,
    BankAccount,
    Service,
    Structure,
    StructureGroupObjectPermission,
    StructureUserObjectPermission,
)

__all__ = [
    "AddressMixin",
    "DecidedRequest",
    "BankAccount",
    "LinkRequest",
    "ManagerAction",
    "Membership",
    "OpenedArea",
    "RequestStatus",
    "Service",
    "Structure",
    "StructureGroupObjectPermission",
    "StructureUserObjectPermission",
    "SubscriptionRequest",
]
