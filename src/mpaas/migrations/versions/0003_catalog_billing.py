"""catalog and billing: profiles, products, packages, services, subscriptions, thresholds, features,
charges, billing runs, usage counters, threshold events

Revision ID: 0003_catalog_billing
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mpaas.models.base

revision = "0003_catalog_billing"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_runs',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('subscriptions_billed', sa.Integer(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('period', name=op.f('pk_billing_runs'))
    )
    op.create_table('profiles',
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('admin_email', sa.String(length=320), nullable=True),
    sa.Column('billing_address', sa.JSON(), nullable=False),
    sa.Column('mailing_address', sa.JSON(), nullable=False),
    sa.Column('updated_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_profiles'))
    )
    op.create_table('threshold_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('threshold_id', sa.String(length=64), nullable=False),
    sa.Column('subscription_id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('usage', sa.BigInteger(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threshold_events')),
    sa.UniqueConstraint('threshold_id', 'subscription_id', 'period', name='uq_threshold_events_once')
    )
    with op.batch_alter_table('threshold_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threshold_events_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threshold_events_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('usage_counters',
    sa.Column('subscription_id', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('subscription_id', 'period', 'kind', name=op.f('pk_usage_counters'))
    )
    op.create_table('packages',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('distributor_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('subscriber_ref', sa.String(length=64), nullable=True),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('price', mpaas.models.base.Money(), nullable=False),
    sa.Column('monthly', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_packages_distributor_id_distributors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages'))
    )
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packages_distributor_id'), ['distributor_id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('distributor_id', sa.String(length=64), nullable=False),
    sa.Column('sku', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('sub_type', sa.String(length=64), nullable=True),
    sa.Column('cost', mpaas.models.base.Money(), nullable=False),
    sa.Column('billing_frequency', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_products_distributor_id_distributors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products'))
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_products_distributor_id'), ['distributor_id'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('distributor_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cost', mpaas.models.base.Money(), nullable=False),
    sa.Column('monthly', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['distributor_id'], ['distributors.id'], name=op.f('fk_services_distributor_id_distributors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_distributor_id'), ['distributor_id'], unique=False)

    op.create_table('charges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('subscription_id', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('package_name', sa.String(length=200), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('amount', mpaas.models.base.Money(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_charges_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charges')),
    sa.UniqueConstraint('key', name=op.f('uq_charges_key'))
    )
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.create_index('ix_charges_account_period', ['account_id', 'period'], unique=False)
        batch_op.create_index(batch_op.f('ix_charges_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('features',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('feature_type', sa.String(length=32), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_features_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_features'))
    )
    with op.batch_alter_table('features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_features_account_id'), ['account_id'], unique=False)

    op.create_table('package_items',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=True),
    sa.Column('price', mpaas.models.base.Money(), nullable=False),
    sa.Column('monthly', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_package_items_package_id_packages')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_package_items_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_items'))
    )
    with op.batch_alter_table('package_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_items_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_package_items_product_id'), ['product_id'], unique=False)

    op.create_table('service_items',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('service_id', sa.String(length=64), nullable=False),
    sa.Column('aggregator_ref', sa.String(length=64), nullable=True),
    sa.Column('distributor_ref', sa.String(length=64), nullable=True),
    sa.Column('price', mpaas.models.base.Money(), nullable=False),
    sa.Column('monthly', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_items_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_items'))
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_items_service_id'), ['service_id'], unique=False)

    op.create_table('thresholds',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('threshold_type', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_thresholds_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thresholds'))
    )
    with op.batch_alter_table('thresholds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thresholds_account_id'), ['account_id'], unique=False)

    op.create_table('subscriptions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('subscriber_id', sa.String(length=64), nullable=False),
    sa.Column('phone_number_id', sa.String(length=64), nullable=True),
    sa.Column('iccid', sa.String(length=22), nullable=True),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_subscriptions_account_id_accounts')),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_subscriptions_package_id_packages')),
    sa.ForeignKeyConstraint(['phone_number_id'], ['phone_numbers.id'], name=op.f('fk_subscriptions_phone_number_id_phone_numbers')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], name=op.f('fk_subscriptions_subscriber_id_subscribers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions'))
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriptions_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_phone_number_id'), ['phone_number_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('feature_assignments',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('feature_id', sa.String(length=64), nullable=False),
    sa.Column('subscription_id', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_feature_assignments_feature_id_features')),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_feature_assignments_subscription_id_subscriptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feature_assignments'))
    )
    with op.batch_alter_table('feature_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feature_assignments_feature_id'), ['feature_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feature_assignments_subscription_id'), ['subscription_id'], unique=False)

    op.create_table('threshold_assignments',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('threshold_id', sa.String(length=64), nullable=False),
    sa.Column('subscription_id', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', mpaas.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_threshold_assignments_subscription_id_subscriptions')),
    sa.ForeignKeyConstraint(['threshold_id'], ['thresholds.id'], name=op.f('fk_threshold_assignments_threshold_id_thresholds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threshold_assignments'))
    )
    with op.batch_alter_table('threshold_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threshold_assignments_subscription_id'), ['subscription_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threshold_assignments_threshold_id'), ['threshold_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('threshold_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threshold_assignments_threshold_id'))
        batch_op.drop_index(batch_op.f('ix_threshold_assignments_subscription_id'))

    op.drop_table('threshold_assignments')
    with op.batch_alter_table('feature_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feature_assignments_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_feature_assignments_feature_id'))

    op.drop_table('feature_assignments')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriptions_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_phone_number_id'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_package_id'))
        batch_op.drop_index(batch_op.f('ix_subscriptions_account_id'))

    op.drop_table('subscriptions')
    with op.batch_alter_table('thresholds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thresholds_account_id'))

    op.drop_table('thresholds')
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_items_service_id'))

    op.drop_table('service_items')
    with op.batch_alter_table('package_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_items_product_id'))
        batch_op.drop_index(batch_op.f('ix_package_items_package_id'))

    op.drop_table('package_items')
    with op.batch_alter_table('features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_features_account_id'))

    op.drop_table('features')
    with op.batch_alter_table('charges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charges_subscription_id'))
        batch_op.drop_index('ix_charges_account_period')

    op.drop_table('charges')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_distributor_id'))

    op.drop_table('services')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_products_distributor_id'))

    op.drop_table('products')
    with op.batch_alter_table('packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packages_distributor_id'))

    op.drop_table('packages')
    op.drop_table('usage_counters')
    with op.batch_alter_table('threshold_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threshold_events_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_threshold_events_account_id'))

    op.drop_table('threshold_events')
    op.drop_table('profiles')
    op.drop_table('billing_runs')
