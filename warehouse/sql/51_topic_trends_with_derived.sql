-- topic_trends with the derived days counted too (includes_derived_days = true); see topic_trends for
-- why a derived paper carries fewer labels than a printed one.
CREATE VIEW topic_trends_with_derived AS SELECT * FROM topic_trends_over(true);
