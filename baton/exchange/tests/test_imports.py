"""Data migration imports: a dry run reports (row, field, error) and writes nothing; confirming
imports what is good (when asked to skip bad rows); importing the same file again changes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from baton.audit.models import AuditEvent
from baton.core.errors import InvalidInput
from baton.customers.models import Contact, Customer, Interaction, Order
from baton.exchange.models import ImportStatus
from baton.exchange.services import import_confirm, import_upload
from baton.exchange.tests.files import credit_code, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "统一社会信用代码", "区域", "行业", "规模", "联系人", "联系电话", "微信"]
NEW = [
    "广州新塘物流设备有限公司",
    credit_code(1),
    "华南",
    "制造业",
    "中型",
    "陈明",
    "139 0000 1111",
    "chenming88",
]
BAD = ["佛山南海机械有限公司", "91440101000000000X", "火星", "制造业", "大型", "", "", ""]
EXISTING = ["广州华南精密制造有限公司", "", "华南", "制造业", "大型", "王立", "13812345678", ""]


def data_writes():
    """Audit events of customer data (not of the import itself)."""
    return AuditEvent.objects.filter(action__startswith="customers.").count()


def upload(org, rows, *, who="S1100", kind="customers", name="customers.csv", data=None):
    return import_upload(actor=org.user(who), kind=kind, name=name, data=data or csv_bytes(rows))


def test_a_file_with_errors_reports_row_and_field_and_writes_nothing(org, crm):
    customers, writes = Customer.objects.count(), data_writes()

    batch = upload(org, [HEADER, NEW, BAD, EXISTING])

    assert batch.status == ImportStatus.CHECKED
    found = {(e["row"], e["field"], e["code"]) for e in batch.report}
    assert found == {(3, "统一社会信用代码", "credit_code_check"), (3, "区域", "choice")}
    assert batch.summary["created"] == 1 and batch.summary["unchanged"] == 1
    assert batch.summary["error_rows"] == 1
    assert Customer.objects.count() == customers and data_writes() == writes

    with pytest.raises(InvalidInput) as refused:
        import_confirm(actor=org.user("S1100"), batch=batch)

    assert refused.value.code == "import_has_errors"
    assert Customer.objects.count() == customers and data_writes() == writes


def test_the_report_speaks_the_readers_language(org, crm):
    batch = upload(org, [HEADER, BAD])
    from baton.exchange.selectors import import_report

    with translation.override("en"):
        messages = {e["field"]: e["message"] for e in import_report(batch=batch)}

    assert messages["区域"].startswith("“火星” is not one of: 华南")
    assert messages["统一社会信用代码"] == "The credit code's check character is wrong."


def test_skip_bad_rows_imports_only_the_good_ones(org, crm):
    batch = upload(org, [HEADER, NEW, BAD, EXISTING])

    batch = import_confirm(actor=org.user("S1100"), batch=batch, skip_bad_rows=True)

    assert batch.status == ImportStatus.IMPORTED
    assert (batch.summary["created"], batch.summary["unchanged"], batch.summary["skipped"]) == (1, 1, 1)
    new = Customer.objects.get(credit_code=NEW[1])
    assert (new.region, new.industry, new.tier, new.team) == (
        "south",
        "manufacturing",
        "medium",
        org.teams["south1"],
    )
    contact = new.contacts.get()
    assert (contact.name, contact.phone_masked, contact.wechat_id, contact.is_primary) == (
        "陈明",
        "139****1111",
        "chenming88",
        True,
    )
    assert not Customer.objects.filter(name=BAD[0]).exists()
    assert [e["row"] for e in batch.report] == [3, 3]


def test_importing_the_same_file_again_changes_nothing(org, crm):
    rows = [HEADER, NEW, EXISTING]
    import_confirm(actor=org.user("S1100"), batch=upload(org, rows))
    counts = (Customer.objects.count(), Contact.objects.count())
    writes = data_writes()

    again = import_confirm(actor=org.user("S1100"), batch=upload(org, rows))

    assert (again.summary["created"], again.summary["unchanged"]) == (0, 2)
    assert (Customer.objects.count(), Contact.objects.count()) == counts
    assert data_writes() == writes


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("utf8-bom.csv", lambda rows: csv_bytes(rows, encoding="utf-8-sig")),
        ("utf8.csv", lambda rows: csv_bytes(rows, encoding="utf-8")),
        ("gbk.csv", lambda rows: csv_bytes(rows, encoding="gb18030")),
        ("excel.xlsx", lambda rows: xlsx_bytes(rows, first_rows=[["导出人 张三 工号 S1 时间 …"]])),
    ],
)
def test_csv_in_any_encoding_and_excel_read_the_same(org, crm, name, encode):
    rows = [
        ["Name", "Credit Code", "Region", "Industry", "Tier"],
        [NEW[0], NEW[1], "south", "manufacturing", "M"],
    ]

    batch = upload(org, rows, name=name, data=encode(rows))

    assert batch.report == [] and batch.summary["created"] == 1
    assert batch.encoding in ("utf-8-sig", "utf-8", "gb18030", "")


def test_contacts_orders_and_interactions_files(org, crm):
    contacts = [
        ["客户名称", "姓名", "职务", "电话", "邮箱", "主联系人"],
        [
            "广州华南精密制造有限公司",
            "李梅",
            "采购主管",
            "13800002222",
            "limei@huanan-precision.example",
            "否",
        ],
        ["广州华南精密制造有限公司", "王立", "物流经理", "13812345678", "", "是"],
        ["上海浦江电子科技有限公司", "周强", "", "13800003333", "", ""],  # another team's customer
    ]
    orders = [
        ["订单号", "客户名称", "下单日期", "起运地", "目的地", "金额", "状态", "接单人工号"],
        [
            "SO-2026-0100",
            "广州华南精密制造有限公司",
            "2026/10/20",
            "广州",
            "成都",
            "¥8,600.50",
            "运输中",
            "S1101",
        ],
        ["SO-2026-0001", "广州华南精密制造有限公司", "2026-10-08", "广州", "上海", "12800", "", ""],
        ["SO-2026-0101", "广州华南精密制造有限公司", "2026-10-21", "广州", "", "-5", "", "Z9999"],
    ]
    interactions = [
        ["客户名称", "联系人", "渠道", "时间", "内容", "员工工号"],
        [
            "广州华南精密制造有限公司",
            "王立",
            "拜访",
            "2026-10-15 10:30",
            "到访工厂，月发运量约 40 吨",
            "S1101",
        ],
    ]
    results = {}
    for kind, rows in (("contacts", contacts), ("orders", orders), ("interactions", interactions)):
        batch = upload(org, rows, kind=kind, name=f"{kind}.csv")
        results[kind] = import_confirm(actor=org.user("S1100"), batch=batch, skip_bad_rows=True)

    assert results["contacts"].summary["created"] == 1 and results["contacts"].summary["unchanged"] == 1
    assert {(e["row"], e["code"]) for e in results["contacts"].report} == {(4, "customer_unknown")}
    assert Contact.objects.filter(name="李梅", customer=crm.customers["c1"]).exists()
    order = Order.objects.get(number="SO-2026-0100")
    assert (str(order.amount), order.status, order.taken_by.employee_no) == ("8600.50", "in_transit", "S1101")
    assert results["orders"].summary["unchanged"] == 1
    assert {(e["row"], e["field"], e["code"]) for e in results["orders"].report} == {
        (4, "目的地", "required"),
        (4, "金额", "amount_positive"),
    }
    visit = Interaction.objects.get(channel="visit")
    assert visit.contact.name == "王立" and visit.source_ref.startswith("row:")

    writes = data_writes()
    for kind, rows in (("contacts", contacts), ("orders", orders), ("interactions", interactions)):
        again = import_confirm(
            actor=org.user("S1100"), batch=upload(org, rows, kind=kind, name="again.csv"), skip_bad_rows=True
        )
        assert again.summary["created"] == 0, kind
    assert data_writes() == writes


def test_a_salesperson_is_told_which_team_owns_a_customer_outside_their_scope(org, crm):
    rows = [["客户名称", "区域", "行业", "规模"], ["上海浦江电子科技有限公司", "华东", "制造业", "大型"]]

    batch = upload(org, rows)

    assert [(e["row"], e["code"]) for e in batch.report] == [(2, "duplicate_customer")]
    assert "华东区客户团队" in batch.report[0]["message"]


def test_confirming_twice_is_refused(org, crm):
    batch = import_confirm(actor=org.user("S1100"), batch=upload(org, [HEADER, NEW]))

    with pytest.raises(InvalidInput) as refused:
        import_confirm(actor=org.user("S1100"), batch=batch)

    assert refused.value.code == "invalid_transition"


def test_upload_and_confirm_are_audited_with_the_files_hash(org, crm):
    batch = import_confirm(actor=org.user("S1100"), batch=upload(org, [HEADER, NEW]))

    actions = list(
        AuditEvent.objects.filter(object_type="exchange.importbatch", object_id=str(batch.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["exchange.import_uploaded", "exchange.import_checked", "exchange.import_confirmed"]
    uploaded = AuditEvent.objects.get(action="exchange.import_uploaded", object_id=str(batch.pk))
    assert uploaded.changes["sha256"] == batch.sha256
