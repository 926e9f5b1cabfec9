"""Browser tests: the agent console in headless Chromium, driven by Playwright."""
