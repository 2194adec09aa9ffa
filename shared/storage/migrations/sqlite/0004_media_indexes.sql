-- timeline: find the posts that refer to a media object (for the clean-up of unreferenced ones).
CREATE INDEX posts_by_drawing ON posts (drawing_key);
CREATE INDEX posts_by_screenshot ON posts (screenshot_key);
