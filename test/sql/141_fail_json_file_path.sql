--fail=missing option "path"
CREATE TABLE f (a INT) WITH (connector = 'json_file');
SELECT * FROM f;
