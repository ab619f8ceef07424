--fail=is a group of columns
CREATE TABLE nexmark WITH (connector = 'nexmark', event_rate = '1000');
SELECT bid + 1 FROM nexmark;
