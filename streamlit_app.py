"""Streamlit entry point: the news geo dashboard (placeholder until the dashboard lands)."""

import streamlit as st

st.set_page_config(page_title="News geo dashboard", layout="wide")
st.title("News geo dashboard")
st.write("The dashboard is being built.")
