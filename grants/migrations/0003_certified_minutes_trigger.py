"""PostgreSQL guards: certified minutes cannot change, from any client.

Once a meeting's minutes are certified (grants_meeting.status = 'certified'),
the meeting row itself, its attendance, agenda items, agenda entries,
recusals, ballots and decisions refuse INSERT, UPDATE and DELETE.
"""

from django.db import migrations

from audit.db import postgres_sql

SQL = """
CREATE OR REPLACE FUNCTION grants_meeting_certified_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'certified' THEN
        RAISE EXCEPTION 'grants_meeting %: certified minutes cannot change (% refused)', OLD.id, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER grants_meeting_certified_guard_row BEFORE UPDATE OR DELETE ON grants_meeting
    FOR EACH ROW EXECUTE FUNCTION grants_meeting_certified_guard();

CREATE OR REPLACE FUNCTION grants_meeting_child_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    meeting_ids bigint[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        meeting_ids := array_append(meeting_ids, OLD.meeting_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        meeting_ids := array_append(meeting_ids, NEW.meeting_id);
    END IF;
    IF EXISTS (SELECT 1 FROM grants_meeting WHERE id = ANY(meeting_ids) AND status = 'certified') THEN
        RAISE EXCEPTION '%: the minutes of this meeting are certified (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION grants_item_child_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item_ids bigint[];
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        item_ids := array_append(item_ids, OLD.item_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        item_ids := array_append(item_ids, NEW.item_id);
    END IF;
    IF EXISTS (SELECT 1 FROM grants_agendaitem i JOIN grants_meeting m ON m.id = i.meeting_id
               WHERE i.id = ANY(item_ids) AND m.status = 'certified') THEN
        RAISE EXCEPTION '%: the minutes of this meeting are certified (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER grants_agendaitem_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_agendaitem
    FOR EACH ROW EXECUTE FUNCTION grants_meeting_child_guard();
CREATE TRIGGER grants_attendance_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_attendance
    FOR EACH ROW EXECUTE FUNCTION grants_meeting_child_guard();
CREATE TRIGGER grants_agendaentry_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_agendaentry
    FOR EACH ROW EXECUTE FUNCTION grants_item_child_guard();
CREATE TRIGGER grants_recusal_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_recusal
    FOR EACH ROW EXECUTE FUNCTION grants_item_child_guard();
CREATE TRIGGER grants_ballot_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_ballot
    FOR EACH ROW EXECUTE FUNCTION grants_item_child_guard();
CREATE TRIGGER grants_decision_certified_guard_row BEFORE INSERT OR UPDATE OR DELETE ON grants_decision
    FOR EACH ROW EXECUTE FUNCTION grants_item_child_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS grants_decision_certified_guard_row ON grants_decision;
DROP TRIGGER IF EXISTS grants_ballot_certified_guard_row ON grants_ballot;
DROP TRIGGER IF EXISTS grants_recusal_certified_guard_row ON grants_recusal;
DROP TRIGGER IF EXISTS grants_agendaentry_certified_guard_row ON grants_agendaentry;
DROP TRIGGER IF EXISTS grants_attendance_certified_guard_row ON grants_attendance;
DROP TRIGGER IF EXISTS grants_agendaitem_certified_guard_row ON grants_agendaitem;
DROP TRIGGER IF EXISTS grants_meeting_certified_guard_row ON grants_meeting;
DROP FUNCTION IF EXISTS grants_item_child_guard();
DROP FUNCTION IF EXISTS grants_meeting_child_guard();
DROP FUNCTION IF EXISTS grants_meeting_certified_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("grants", "0002_seed_voting_rules")]
    operations = [postgres_sql(SQL, REVERSE)]
