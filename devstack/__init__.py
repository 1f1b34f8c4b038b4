"""A local stand-in for a Supabase project: PostgreSQL 15, Supabase's roles and auth schema, an HTTP front."""
