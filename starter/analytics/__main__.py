"""``python -m analytics``: run the analytics service (a health endpoint, for now)."""

from analytics.service import main

if __name__ == "__main__":
    raise SystemExit(main())
