"""Law-enforcement requests: intake, the case lifecycle, documents and the timeline."""
