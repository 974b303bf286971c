"""Services: what a screen asks for, built on domain, content and storage; no Qt."""
