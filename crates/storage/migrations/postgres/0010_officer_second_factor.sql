-- Officers' second factor: the base32 secret of their authenticator app (RFC 6238) and the last
-- time step whose code was used, so a code works once. Kept equal to
-- ../sqlite/0010_officer_second_factor.sql.

alter table officer add column totp_secret text;
alter table officer add column totp_last_step bigint;
