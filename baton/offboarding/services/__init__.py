"""Writes of the offboarding domain. Every function takes ``actor`` first and is audited."""

from baton.offboarding.services.cases import (
    access_end,
    case_complete,
    case_open,
    case_withdraw,
    cases_last_day_run,
    exit_interview_record,
    notice_required,
    successor_set,
)
from baton.offboarding.services.checklist import (
    check_item,
    customers_confirm,
    follow_up_upload,
    handover_item_complete,
    orders_confirm,
    templates_install_defaults,
)
from baton.offboarding.services.reminders import reminders_run
from baton.offboarding.services.revisits import revisit_record, revisits_overdue_run
from baton.offboarding.services.signoff import approval_decide, case_progress
from baton.offboarding.services.transfer import plan_execute, plan_preview, plan_save

__all__ = [
    "access_end",
    "approval_decide",
    "case_complete",
    "case_open",
    "case_progress",
    "case_withdraw",
    "cases_last_day_run",
    "check_item",
    "customers_confirm",
    "exit_interview_record",
    "follow_up_upload",
    "handover_item_complete",
    "notice_required",
    "orders_confirm",
    "plan_execute",
    "plan_preview",
    "plan_save",
    "reminders_run",
    "revisit_record",
    "revisits_overdue_run",
    "successor_set",
    "templates_install_defaults",
]
