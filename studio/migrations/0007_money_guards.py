"""PostgreSQL guards for documents that must not change once issued, signed or recorded.

The services refuse these changes with a friendly message; the triggers are the backstop for
any code path that forgets (a shell, a bulk update, a future feature). The functions live in
the public schema and are shared by every studio; each studio's tables get their triggers.
"""

from django.db import migrations

from studio.services.mail_defaults import DEFAULTS

GUARDS = r"""
CREATE OR REPLACE FUNCTION public.studio_document_frozen() RETURNS trigger AS $$
BEGIN
    -- Quotes and invoices: only a draft may change content or be deleted. What may change
    -- afterwards is bookkeeping derived from payments, credit notes and the lifecycle.
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION '% % is % and cannot be deleted', TG_TABLE_NAME, OLD.number, OLD.status
                USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.number, NEW.year, NEW.sequence, NEW.currency, NEW.exchange_rate, NEW.issue_date,
        NEW.bill_to, NEW.notes, NEW.gross, NEW.discount, NEW.net, NEW.tax, NEW.total,
        NEW.client_id
    ) IS DISTINCT FROM (
        OLD.number, OLD.year, OLD.sequence, OLD.currency, OLD.exchange_rate, OLD.issue_date,
        OLD.bill_to, OLD.notes, OLD.gross, OLD.discount, OLD.net, OLD.tax, OLD.total,
        OLD.client_id
    ) THEN
        RAISE EXCEPTION '% % is % and cannot change', TG_TABLE_NAME, OLD.number, OLD.status
            USING ERRCODE = 'P0001';
    END IF;
    IF OLD.status <> 'draft' AND NEW.status = 'draft' THEN
        RAISE EXCEPTION '% % cannot go back to draft', TG_TABLE_NAME, OLD.number
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION public.studio_line_frozen() RETURNS trigger AS $$
DECLARE
    parent_status text;
    parent_table text := TG_ARGV[0];
    parent_column text := TG_ARGV[1];
    parent_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        parent_id := (to_jsonb(OLD) ->> parent_column)::bigint;
    ELSE
        parent_id := (to_jsonb(NEW) ->> parent_column)::bigint;
    END IF;
    -- The trigger's own schema: the studio whose table fired it.
    EXECUTE format('SELECT status FROM %I.%I WHERE id = $1', TG_TABLE_SCHEMA, parent_table)
        INTO parent_status USING parent_id;
    -- A deleted parent (cascade from a draft) has no row left to ask: nothing to protect.
    IF parent_status IS NULL OR parent_status = 'draft' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    -- Voiding an invoice releases its sessions for billing again: only `billed` may change.
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'billed') = (to_jsonb(OLD) - 'billed') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the lines of % % cannot change once it is %', parent_table, parent_id,
        parent_status USING ERRCODE = 'P0001';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION public.studio_record_frozen() RETURNS trigger AS $$
DECLARE
    mutable text[] := COALESCE(TG_ARGV, '{}'::text[]);  -- NULL when no column is named
BEGIN
    -- Payments and signed contracts: never deleted; only the columns named may change.
    -- A contract may change (or go) until it is signed; read its status through jsonb because
    -- a payment row has no such column and PL/pgSQL does not short-circuit.
    IF TG_OP = 'DELETE' THEN
        IF TG_TABLE_NAME <> 'studio_contract' OR to_jsonb(OLD) ->> 'status' = 'signed' THEN
            RAISE EXCEPTION '% % cannot be deleted', TG_TABLE_NAME, OLD.id USING ERRCODE = 'P0001';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_TABLE_NAME = 'studio_contract' AND to_jsonb(OLD) ->> 'status' <> 'signed' THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION '% % cannot change', TG_TABLE_NAME, OLD.id USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
"""

TRIGGERS = r"""
CREATE TRIGGER invoice_frozen BEFORE UPDATE OR DELETE ON studio_invoice
    FOR EACH ROW EXECUTE FUNCTION public.studio_document_frozen();
CREATE TRIGGER quote_frozen BEFORE UPDATE OR DELETE ON studio_quote
    FOR EACH ROW EXECUTE FUNCTION public.studio_document_frozen();
CREATE TRIGGER invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON studio_invoiceline
    FOR EACH ROW EXECUTE FUNCTION public.studio_line_frozen('studio_invoice', 'invoice_id');
CREATE TRIGGER quote_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON studio_quoteline
    FOR EACH ROW EXECUTE FUNCTION public.studio_line_frozen('studio_quote', 'quote_id');
CREATE TRIGGER payment_frozen BEFORE UPDATE OR DELETE ON studio_payment
    FOR EACH ROW EXECUTE FUNCTION public.studio_record_frozen('invoice_id', 'receipt_number');
CREATE TRIGGER contract_frozen BEFORE UPDATE OR DELETE ON studio_contract
    FOR EACH ROW EXECUTE FUNCTION public.studio_record_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS invoice_frozen ON studio_invoice;
DROP TRIGGER IF EXISTS quote_frozen ON studio_quote;
DROP TRIGGER IF EXISTS invoice_line_frozen ON studio_invoiceline;
DROP TRIGGER IF EXISTS quote_line_frozen ON studio_quoteline;
DROP TRIGGER IF EXISTS payment_frozen ON studio_payment;
DROP TRIGGER IF EXISTS contract_frozen ON studio_contract;
"""


# The e-mails of the money features; later migrations add theirs (booking e-mails: 0015).
MONEY_KINDS = ("quote", "invoice", "receipt", "reminder", "credit_note", "contract")


def email_templates_create(apps, schema_editor):
    EmailTemplate = apps.get_model("studio", "EmailTemplate")
    for kind in MONEY_KINDS:
        subject, body = DEFAULTS[kind]
        EmailTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("studio", "0006_money")]

    operations = [
        migrations.RunSQL(GUARDS + TRIGGERS, DROP),
        migrations.RunPython(email_templates_create, migrations.RunPython.noop),
    ]
