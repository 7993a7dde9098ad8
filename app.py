from facilitator import create_app

app = create_app()
