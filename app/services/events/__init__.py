"""Events: calendar views (calendar), saving (editing), iCalendar export (ics)."""
