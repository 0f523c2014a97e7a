import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyStatement, extractLiterals, fingerprintSql } from '../../src/queries/fingerprint.js';
import { splitStatements, tokenize } from '../../src/queries/sql-tokenizer.js';
import { corpus } from './fingerprint-corpus.js';

describe('fingerprint corpus', () => {
  const byClass = new Map<string, Set<string>>();
  for (const { cls, sql } of corpus) {
    const set = byClass.get(cls) ?? new Set<string>();
    set.add(fingerprintSql(sql, 'postgres').fingerprint);
    byClass.set(cls, set);
  }
  for (const [cls, fps] of byClass) {
    test(`"${cls}" statements share one fingerprint`, () => {
      assert.equal(fps.size, 1, corpus.filter((c) => c.cls === cls).map((c) => fingerprintSql(c.sql).normalized).join('\n'));
    });
  }
  test('different classes never share a fingerprint', () => {
    const owner = new Map<string, string>();
    for (const [cls, fps] of byClass) {
      const fp = [...fps][0]!;
      assert.equal(owner.get(fp), undefined, `${cls} collides with ${owner.get(fp)}`);
      owner.set(fp, cls);
    }
  });
});

describe('normalized SQL', () => {
  test('literals become ?, placeholders stay, IN-lists collapse, comments and case fold', () => {
    assert.equal(
      fingerprintSql("/* x */ SELECT a, count(*) FROM t WHERE b IN (1, 2, 3) AND c = $1 AND d = 'z' -- y").normalized,
      'select a, count(*) from t where b in (...) and c = $1 and d = ?',
    );
    assert.equal(fingerprintSql("select x::int, '1'::text").normalized, 'select x::int, ?::text');
  });

  test('a sign written against the operator is still a literal: a=-5 and a = 5 are one shape', () => {
    for (const dialect of ['postgres', 'mysql'] as const) {
      assert.equal(fingerprintSql('select * from t where a=-5', dialect).normalized, 'select * from t where a = ?', dialect);
      assert.equal(fingerprintSql('select * from t where a>=-5 and b<>+2', dialect).normalized, 'select * from t where a >= ? and b <> ?', dialect);
    }
    assert.equal(fingerprintSql('select a @- b').normalized, 'select a @- b', 'an operator holding @ may end in -');
  });

  test('placeholders after a collapsed IN-list are renumbered, so list length is not identity', () => {
    const one = fingerprintSql('select * from t where id in ($1) and s = $2');
    const three = fingerprintSql('select * from t where id in ($1, $2, $3) and s = $4');
    assert.equal(one.normalized, 'select * from t where id in (...) and s = $1');
    assert.equal(three.fingerprint, one.fingerprint);
    assert.equal(fingerprintSql('select $2, $1, $2').normalized, 'select $1, $2, $1', 'a repeated placeholder keeps one number');
  });

  test('MySQL: backticks are identifiers, "..." are strings, # starts a comment, ? stays', () => {
    const a = fingerprintSql('SELECT `id` FROM `books` WHERE title = "a" AND id = ? # note', 'mysql');
    assert.equal(a.normalized, 'select id from books where title = ? and id = ?');
    assert.equal(fingerprintSql("select * from t where s = 'it\\'s'", 'mysql').normalized, 'select * from t where s = ?');
  });

  test('literals are extracted in order for N+1 parameter sets', () => {
    assert.deepEqual(extractLiterals("select * from t where a = 1 and b = 'x' and c = -2"), ['1', "'x'", '-2']);
  });

  test('the tokenizer covers every non-space character for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.constantFrom('postgres' as const, 'mysql' as const), (s, dialect) => {
        const tokens = tokenize(s, dialect);
        let pos = 0;
        for (const t of tokens) {
          assert.ok(t.start >= pos && t.end > t.start, 'tokens are ordered and non-empty');
          assert.match(s.slice(pos, t.start), /^\s*$/);
          pos = t.end;
        }
        assert.match(s.slice(pos), /^\s*$/);
        fingerprintSql(s, dialect); // never throws
      }),
      { numRuns: 2000 },
    );
  });

  test('a fingerprint ignores the value of any integer literal', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        assert.equal(fingerprintSql(`select * from t where id = ${a}`).fingerprint, fingerprintSql(`select * from t where id = ${b}`).fingerprint);
      }),
    );
  });
});

describe('statement splitting', () => {
  test('splits at top-level semicolons, not inside strings, comments, dollar quotes or BEGIN ATOMIC', () => {
    assert.deepEqual(splitStatements("select ';'; select $$;$$ /* ; */; ;", 'postgres'), ["select ';'", 'select $$;$$']);
    assert.deepEqual(
      splitStatements('create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end; select 3', 'postgres'),
      ['create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end', 'select 3'],
    );
  });
});

describe('classifyStatement', () => {
  const cases: [string, ReturnType<typeof classifyStatement>][] = [
    ['select 1', 'select'],
    ['(select 1) union (select 2)', 'select'],
    ['with x as (select 1) select * from x', 'select'],
    ['with x as (select 1) insert into t select * from x', 'insert'],
    ['insert into t values (1)', 'insert'],
    ['update t set a = 1', 'update'],
    ['delete from t', 'delete'],
    ['BEGIN', 'transaction'],
    ['start transaction', 'transaction'],
    ['commit', 'transaction'],
    ['rollback to savepoint a', 'transaction'],
    ['savepoint a', 'transaction'],
    ['release savepoint a', 'transaction'],
    ['SET search_path = public', 'set-show'],
    ['show server_version', 'set-show'],
    ['select oid, typname from pg_type', 'catalog'],
    ['select * from pg_catalog.pg_class', 'catalog'],
    ['select table_name from information_schema.tables', 'catalog'],
    ['select pg_sleep(1)', 'select'],
    ['create table t (a int)', 'other'],
  ];
  for (const [sql, kind] of cases) test(`${sql} → ${kind}`, () => assert.equal(classifyStatement(sql), kind));
});

describe('normalized SQL spacing', () => {
  test('function calls glue to their parenthesis; relations, subqueries and keywords do not', () => {
    assert.equal(
      fingerprintSql('INSERT INTO public.t(a, b) SELECT lower(x), count(*) FROM (SELECT 1) s WHERE EXISTS(SELECT 1)').normalized,
      'insert into public.t (a, b) select lower(x), count(*) from (select ?) s where exists (select ?)',
    );
  });
});
