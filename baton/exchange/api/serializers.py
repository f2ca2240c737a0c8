from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baton.core.api.serializers import StrictSerializer
from baton.exchange.models import ExportFormat, ExportRequest, ImportBatch, ImportKind, ReviewItem
from baton.exchange.selectors import import_report


class ReportEntrySerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row in the file (1 = first line), message or line number.")
    field = serializers.CharField(help_text="The column as written in the file ('' for the whole row).")
    code = serializers.CharField()
    message = serializers.CharField(help_text="In the language of the request.")


_COUNT = {"type": "integer"}
SUMMARY_SCHEMA = {
    "type": "object",
    "description": "Counts of the last run. created: new records (in a dry run: that would be new); "
    "unchanged: already in Baton; queued: put in the review queue.",
    "properties": {
        **{
            name: _COUNT
            for name in ("rows", "created", "unchanged", "queued", "skipped", "error_rows", "errors")
        },
        "ignored_columns": {"type": "array", "items": {"type": "string"}},
    },
}
SUMMARY_KEYS = ("rows", "created", "unchanged", "queued", "skipped", "error_rows", "errors")


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.employee_no", read_only=True)
    summary = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "status",
            "original_name",
            "content_type",
            "encoding",
            "size",
            "sha256",
            "row_count",
            "skip_bad_rows",
            "uploaded_by",
            "uploaded_at",
            "checked_at",
            "imported_at",
            "summary",
            "report",
        ]
        read_only_fields = fields

    @extend_schema_field(SUMMARY_SCHEMA)
    def get_summary(self, batch: ImportBatch) -> dict[str, Any]:
        summary: dict[str, Any] = {key: int(batch.summary.get(key, 0)) for key in SUMMARY_KEYS}
        summary["ignored_columns"] = list(batch.summary.get("ignored_columns", []))
        return summary

    @extend_schema_field(ReportEntrySerializer(many=True))
    def get_report(self, batch: ImportBatch) -> list[dict[str, Any]]:
        return [
            {"row": e["row"], "field": e.get("field", ""), "code": e.get("code", ""), "message": e["message"]}
            for e in import_report(batch=batch)
        ]


class ImportUploadSerializer(StrictSerializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="CSV/.xlsx tables, .eml/.mbox e-mail, .txt WeChat chat export."
    )
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    dry_run = serializers.BooleanField(
        default=True,
        help_text="true (default): only check and report. false: import at once when the check allows.",
    )
    skip_bad_rows = serializers.BooleanField(
        default=False, help_text="With dry_run=false: import the good rows even when some have errors."
    )


class ImportConfirmSerializer(StrictSerializer):
    skip_bad_rows = serializers.BooleanField(default=False)


class ReviewItemSerializer(serializers.ModelSerializer):
    batch = serializers.IntegerField(source="batch_id", read_only=True)
    customer = serializers.SerializerMethodField()

    class Meta:
        model = ReviewItem
        fields = [
            "id",
            "batch",
            "row",
            "channel",
            "occurred_at",
            "direction",
            "duration_seconds",
            "sender",
            "phone_masked",
            "email",
            "wechat_id",
            "content",
            "reason",
            "status",
            "resolved_at",
            "note",
            "interaction",
            "customer",
        ]
        read_only_fields = fields

    def get_customer(self, item: ReviewItem) -> int | None:
        return item.interaction.customer_id if item.interaction is not None else None


class ReviewAssignSerializer(StrictSerializer):
    customer = serializers.IntegerField(required=False, help_text="A customer you may change.")
    contact = serializers.IntegerField(required=False, help_text="A contact of a customer you may change.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ReviewDiscardSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ExportSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.employee_no", read_only=True)
    decided_by = serializers.CharField(source="decided_by.employee_no", read_only=True, default=None)

    class Meta:
        model = ExportRequest
        fields = [
            "id",
            "number",
            "format",
            "filters",
            "customer_count",
            "needs_approval",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "generated_at",
            "sha256",
            "revealed_count",
            "download_count",
        ]
        read_only_fields = fields


class ExportRequestSerializer(StrictSerializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="The customer list's filters: q, region, industry, tier, status, is_key_account, team, "
        "owner, no_follow_up_since.",
    )


class ExportDecisionSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
