-- 005 is the warehouse-defects branch's migration (the capped search column). This empty
-- placeholder only keeps the numbering gap-free on the issue-14 branch: delete it when that
-- branch's 005 is merged.
SELECT 1;
