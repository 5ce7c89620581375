"""Domain logic shared by views, jobs and the API: plain functions taking ids and values."""
