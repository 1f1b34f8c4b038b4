"""The Supabase Postgres schema as ordered SQL migrations (up and down), plus a small runner."""
