-- 010 is reserved for another branch of this session (field provenance). This placeholder
-- only keeps the numbering without gaps on this branch: delete it when the real 010 merges.
SELECT 1;
