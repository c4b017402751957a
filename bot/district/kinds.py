"""The kinds of case. Defined in the kernel because a district profile sets its case numbers and
time limits per kind; the cases domain names them (`bot.cases.enums.CaseKind` is this class)."""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    DISPUTE = "dispute"  # 矛盾纠纷
    PETITION = "petition"  # 信访事项
    CONSULTATION = "consultation"  # a resident asked to talk to a person
