-- org_trends with the derived days counted too (includes_derived_days = true): the periods after the
-- digest's last issue, and its weekends, no longer look empty. A derived day is the generator's formula
-- and cut over the day's Hugging Face list, not a digest anyone printed (fct_derived_selection.derivation).
CREATE VIEW org_trends_with_derived AS SELECT * FROM org_trends_over(true);
