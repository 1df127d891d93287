"""The law-enforcement portal: officer accounts, their requests, answers and documents."""
