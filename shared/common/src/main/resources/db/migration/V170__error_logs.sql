-- Error log rows (issue 17): failed upstream attempts and refused requests are written by the billing worker as
-- logs of type 6 ("error"; One API's type 5 is its channel-test log), apart from the consume rows (type 2) of billed
-- requests. An error row keeps the upstream's (or the gateway's) HTTP status and the failure class next to its
-- message (content) and channel. Expand only: older writers leave the defaults (0, '').
ALTER TABLE logs ADD COLUMN http_status integer NOT NULL DEFAULT 0;
ALTER TABLE logs ADD COLUMN failure_class varchar(32) NOT NULL DEFAULT '';
