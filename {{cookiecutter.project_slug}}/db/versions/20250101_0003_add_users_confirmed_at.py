"""Add users.confirmed_at, for email confirmation at sign-up.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-01 00:00:02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: who signed up before it was asked is not confirmed yet.
    op.add_column(
        "users", sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    op.drop_column("users", "confirmed_at")
