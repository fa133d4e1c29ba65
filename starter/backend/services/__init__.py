"""The service layer: business rules and database queries. This is where learners work."""
