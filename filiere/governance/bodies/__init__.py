"""A cluster's (or a Region's) bodies and their decisions: general assembly, board, colleges and
the consultative body, their seats, meetings (convocation, attendance and proxies, quorum,
minutes) and votes per college. The same slice as an app (forms, selectors, services, space,
views), inside governance because bodies vote with the colleges and members governance keeps."""
