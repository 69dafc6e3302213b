-- Plans made by a model record which model and which prompt version made them (ARCHITECTURE D9).
ALTER TABLE plans ADD COLUMN model text;
ALTER TABLE plans ADD COLUMN prompt_name text;
ALTER TABLE plans ADD COLUMN prompt_hash text;
