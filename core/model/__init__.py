"""Mapped classes of the company file; importing this package registers every table."""

from core.model.audit import AuditEntry
from core.model.base import Base, referring_columns
from core.model.company import Company, FileMeta
from core.model.employees import (
    Achievement,
    Attachment,
    Competency,
    Employee,
    Feedback,
    GradeChange,
    ScoreEntry,
    Store,
    StoreOwnership,
    TrainingRecord,
)
from core.model.facts import (
    ImportBatch,
    ImportProfile,
    LiveSessionFact,
    ManualMetricValue,
    OrderFact,
    OrderMonthBuyers,
    OrderMonthTotal,
    StoreDayFact,
    StoreMonthFact,
)
from core.model.ladder import (
    CriteriaVersion,
    Criterion,
    CustomMetric,
    EvaluationTemplate,
    Level,
    Track,
    Transition,
)
from core.model.promotion import CaseStep, CycleCandidate, Entitlement, PromotionCase, ReviewCycle
from core.model.users import User

__all__ = [
    "Achievement",
    "Attachment",
    "AuditEntry",
    "Base",
    "CaseStep",
    "Company",
    "Competency",
    "CriteriaVersion",
    "Criterion",
    "CustomMetric",
    "CycleCandidate",
    "Employee",
    "Entitlement",
    "EvaluationTemplate",
    "Feedback",
    "FileMeta",
    "GradeChange",
    "ImportBatch",
    "ImportProfile",
    "Level",
    "LiveSessionFact",
    "ManualMetricValue",
    "OrderFact",
    "OrderMonthBuyers",
    "OrderMonthTotal",
    "PromotionCase",
    "ReviewCycle",
    "ScoreEntry",
    "Store",
    "StoreDayFact",
    "StoreMonthFact",
    "StoreOwnership",
    "Track",
    "TrainingRecord",
    "Transition",
    "User",
    "referring_columns",
]
