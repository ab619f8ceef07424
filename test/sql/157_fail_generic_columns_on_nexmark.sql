--fail=the nexmark connector has no column "foo"
CREATE TABLE n (foo BIGINT) WITH (connector = 'nexmark');
SELECT * FROM n;
