"""Analytics: dashboards, where the time goes, trends and surges, and transparency reports,
read from the case data and a narrow fact row per case."""
