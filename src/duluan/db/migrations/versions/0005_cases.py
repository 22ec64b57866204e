"""cases: hotspot cases, playbooks and their steps; the shared default playbooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:20:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import duluan.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_TIME = duluan.db.types.UTCDateTime(timezone=True)

# The shared templates every office starts from (seed 004 §5: verify with collaborators, inform
# the responsible body, publish accurate information, follow up). Frozen here as shipped; later
# versions add new templates in their own migration. (kind, name, description, steps)
DEFAULT_PLAYBOOKS = (
    (
        "land_dispute",
        "Tranh chấp đất đai, giải phóng mặt bằng",
        "Dư luận bức xúc về thu hồi đất, bồi thường, tái định cư hoặc tranh chấp đất đai.",
        (
            (
                "Xác minh tình hình qua cộng tác viên tại địa bàn",
                "Nắm nội dung người dân bức xúc, mức độ lan rộng, diễn biến; "
                "không ghi tên người dân.",
                24,
            ),
            ("Báo cáo nhanh cấp ủy, chính quyền địa phương", "", 24),
            (
                "Thông báo cơ quan có trách nhiệm để đối thoại, giải quyết",
                "UBND xã/phường, cơ quan quản lý đất đai, chủ đầu tư dự án.",
                48,
            ),
            (
                "Cung cấp thông tin chính thống",
                "Công khai phương án bồi thường, hỗ trợ, tái định cư; "
                "trả lời các thắc mắc phổ biến.",
                72,
            ),
            ("Theo dõi dư luận sau xử lý và báo cáo kết quả", "", 168),
        ),
    ),
    (
        "environment",
        "Sự cố môi trường, ô nhiễm",
        "Phản ánh về ô nhiễm nước, không khí, rác thải, mùi hôi, cá chết…",
        (
            (
                "Xác minh với cộng tác viên và cơ quan chuyên môn",
                "Đề nghị lấy mẫu, quan trắc; ghi nhận phạm vi ảnh hưởng.",
                12,
            ),
            ("Báo cáo nhanh và thông báo cơ quan quản lý môi trường", "", 24),
            ("Đăng tải thông tin chính xác về kết quả quan trắc và khuyến cáo người dân", "", 48),
            ("Theo dõi phản hồi, báo cáo kết quả khắc phục", "", 168),
        ),
    ),
    (
        "disaster",
        "Thiên tai, dịch bệnh",
        "Lũ quét, sạt lở, bão, dịch bệnh và công tác cứu trợ, khắc phục.",
        (
            ("Nắm tình hình thiệt hại và nhu cầu của người dân qua cộng tác viên", "", 6),
            ("Phối hợp ban chỉ huy phòng chống thiên tai, cung cấp thông tin cứu trợ", "", 12),
            ("Cải chính tin giả, tin sai sự thật về thiệt hại và cứu trợ", "", 24),
            ("Theo dõi dư luận về công tác cứu trợ, khắc phục hậu quả", "", 168),
        ),
    ),
    (
        "public_order",
        "An ninh trật tự, tụ tập đông người",
        "Vụ việc an ninh trật tự gây chú ý, nguy cơ tụ tập đông người.",
        (
            ("Xác minh tình hình qua cộng tác viên tại địa bàn", "", 6),
            ("Thông báo lực lượng công an và chính quyền cơ sở", "", 12),
            ("Cung cấp thông tin chính thống, định hướng dư luận", "", 24),
            ("Theo dõi diễn biến và báo cáo kết quả", "", 72),
        ),
    ),
    (
        "general",
        "Điểm nóng dư luận (chung)",
        "Các trường hợp còn lại.",
        (
            ("Xác minh với cộng tác viên", "", 24),
            ("Thông báo cơ quan có trách nhiệm", "", 48),
            ("Cung cấp thông tin chính xác, kịp thời", "", 72),
            ("Theo dõi, đánh giá và báo cáo kết quả", "", 168),
        ),
    ),
)


def upgrade() -> None:
    playbooks = op.create_table(
        "playbooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "kind IN ('land_dispute', 'environment', 'disaster', 'public_order', 'general')",
            name=op.f("ck_playbooks_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_playbooks_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbooks")),
    )
    op.create_index(op.f("ix_playbooks_unit_id"), "playbooks", ["unit_id"], unique=False)
    op.create_table(
        "hotspot_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("province_code", sa.String(length=8), nullable=False),
        sa.Column("playbook_id", sa.Integer(), nullable=True),
        sa.Column("playbook_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'resolved', 'closed')",
            name=op.f("ck_hotspot_cases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["users.id"], name=op.f("fk_hotspot_cases_opened_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["playbook_id"], ["playbooks.id"], name=op.f("fk_hotspot_cases_playbook_id_playbooks")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_hotspot_cases_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotspot_cases")),
    )
    op.create_index(op.f("ix_hotspot_cases_status"), "hotspot_cases", ["status"], unique=False)
    op.create_index(op.f("ix_hotspot_cases_unit_id"), "hotspot_cases", ["unit_id"], unique=False)
    steps = op.create_table(
        "playbook_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("playbook_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("due_hours", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["playbook_id"],
            ["playbooks.id"],
            name=op.f("fk_playbook_steps_playbook_id_playbooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_steps")),
        sa.UniqueConstraint("playbook_id", "position", name=op.f("uq_playbook_steps_playbook_id")),
    )
    op.create_table(
        "case_alerts",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_case_alerts_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotspot_cases.id"],
            name=op.f("fk_case_alerts_case_id_hotspot_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_case_alerts")),
    )
    op.create_index(op.f("ix_case_alerts_case_id"), "case_alerts", ["case_id"], unique=False)
    op.create_table(
        "case_documents",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("added_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotspot_cases.id"],
            name=op.f("fk_case_documents_case_id_hotspot_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_case_documents_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "document_id", name=op.f("pk_case_documents")),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotspot_cases.id"],
            name=op.f("fk_case_events_case_id_hotspot_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_case_id"), "case_events", ["case_id"], unique=False)
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state IN ('todo', 'done', 'skipped')", name=op.f("ck_case_steps_state")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["hotspot_cases.id"],
            name=op.f("fk_case_steps_case_id_hotspot_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["done_by"], ["users.id"], name=op.f("fk_case_steps_done_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_steps")),
        sa.UniqueConstraint("case_id", "position", name=op.f("uq_case_steps_case_id")),
    )
    _seed(playbooks, steps)


def _seed(playbooks: sa.Table, steps: sa.Table) -> None:
    """Insert the templates without explicit ids, so PostgreSQL's sequence stays in step."""
    bind, now = op.get_bind(), datetime.now(UTC)
    for kind, name, description, rows in DEFAULT_PLAYBOOKS:
        values = {"unit_id": None, "kind": kind, "name": name, "description": description}
        bind.execute(playbooks.insert().values(**values, active=True, updated_at=now))
        number = bind.scalar(
            sa.select(playbooks.c.id).where(playbooks.c.kind == kind, playbooks.c.unit_id.is_(None))
        )
        op.bulk_insert(
            steps,
            [
                {
                    "playbook_id": number,
                    "position": position,
                    "title": title,
                    "guidance": guidance,
                    "due_hours": hours,
                }
                for position, (title, guidance, hours) in enumerate(rows, start=1)
            ],
        )


def downgrade() -> None:
    for table in ("case_steps", "case_events", "case_documents", "case_alerts"):
        op.drop_table(table)
    op.drop_table("playbook_steps")
    op.drop_table("hotspot_cases")
    op.drop_table("playbooks")
