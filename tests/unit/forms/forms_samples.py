"""Sample data for the forms tests: a card whose ID number is valid, good answers."""

from __future__ import annotations

from datetime import date

from devices.idcard.record import IdDocument
from devices.idcard.sim import sample_card

TODAY = date(2026, 11, 27)

#: Complete, valid typed answers for each built-in form (card fields come from the card).
GOOD_ANSWERS: dict[str, dict[str, str]] = {
    "hk_macau_travel": {
        "mobile": "13800001234",
        "current_address": "武汉市江汉区新华路1号2栋301",
        "emergency_name": "李四",
        "emergency_phone": "027-87654321",
        "permit_action": "first",
        "destination": "hk",
        "endorsement": "tourism",
        "trips": "1",
        "departure_date": "2027-02-01",
        "had_permit": "no",
    },
    "residence_permit": {
        "residence_address": "武汉市洪山区珞喻路100号3栋502室",
        "living_since": "2024-03-01",
        "basis": "work",
        "employer": "武汉某某科技有限公司",
        "housing": "rent",
        "mobile": "13912345678",
        "with_children": "yes",
        "children_count": "2",
    },
    "enterprise_registration": {
        "rep_mobile": "13700001111",
        "enterprise_name": "武汉市民之家示范科技有限公司",
        "enterprise_type": "llc",
        "capital": "50",
        "registered_address": "武汉市江汉区市民之家路1号A座",
        "business_scope": "软件开发、信息技术咨询服务",
        "foreign_investment": "no",
    },
}


def make_card() -> IdDocument:
    """The simulator's fictional resident card (its number passes GB 11643)."""
    return sample_card()
