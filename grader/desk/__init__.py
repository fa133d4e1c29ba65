"""The learner's desk: progress kept between gradings, hints, watch, serve and the docs
site's live progress."""
